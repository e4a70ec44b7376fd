/**
 * Every check an endpoint records in the login inspector, with the words the inspector shows
 * for it. One list for both protocols: an endpoint names its checks by these ids (the seam,
 * step.ts), and a refusal is shown as "refused by <label>" followed by the error description
 * the response carried — the fix, in one sentence.
 */
export const CHECKS = {
  // ── shared by every endpoint ────────────────────────────────────────────────────────────
  params: 'each parameter sent once, as text, within its length limit',
  client: 'client_id names a registered client',
  redirect_uri: 'redirect_uri is registered for the client (exact match)',
  // ── sgID authorize ──────────────────────────────────────────────────────────────────────
  response_type: 'response_type is "code"',
  scope: 'scope includes openid, and only scopes the client is registered for',
  pkce_challenge: 'PKCE: code_challenge with code_challenge_method=S256',
  request_object: 'no request objects ("request", "request_uri")',
  // ── the wallet and the browser's return ─────────────────────────────────────────────────
  login_live: 'the login is still waiting for an answer (not expired, not answered)',
  persona: 'a test persona was chosen',
  // ── sgID token ──────────────────────────────────────────────────────────────────────────
  grant_type: 'grant_type is "authorization_code"',
  client_secret: 'client authentication: client_secret_post with the right secret',
  rate_limit: 'not too many failed client authentications',
  code: 'the code is known, unexpired and not used before',
  code_client: 'the code was issued to this client',
  code_redirect_uri: 'redirect_uri equals the one sent to authorize',
  pkce_verifier: 'PKCE: BASE64URL(SHA256(code_verifier)) equals the code_challenge',
  code_single_use: 'the code is redeemed only once',
  // ── sgID userinfo ───────────────────────────────────────────────────────────────────────
  bearer_header: 'access token sent as "Authorization: Bearer <token>" (not in the query)',
  access_token: 'the access token is known, unexpired and not revoked',
  // ── Singpass (FAPI 2.0 and legacy) ──────────────────────────────────────────────────────
  client_assertion: 'private_key_jwt: client assertion signed by the client, iss = sub = client_id, aud = issuer, fresh exp, unused jti',
  dpop_proof: 'DPoP proof: typ dpop+jwt, EC alg, signature, htm/htu of this request, fresh iat, unused jti',
  dpop_binding: 'the DPoP key is the one this login (or token) is bound to',
  dpop_ath: 'DPoP proof carries ath = BASE64URL(SHA256(access token))',
  request_uri: 'request_uri is known, unexpired, unused and belongs to this client',
  par_params: 'pushed authorization request parameters are valid',
  authentication_context: 'authentication_context_type matches the app type (Login: required; Myinfo: refused)',
  rp_jwks: "the client's JWKS can be fetched and holds EC signing and encryption keys",
  dpop_scheme: 'access token sent as "Authorization: DPoP <token>"',
} as const;

export type CheckId = keyof typeof CHECKS;

/** The words for a check id (an unknown one is shown as it is). */
export function checkLabel(id: string): string {
  return (CHECKS as Record<string, string>)[id] ?? id;
}
