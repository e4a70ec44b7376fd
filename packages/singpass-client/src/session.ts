/**
 * The per-login secrets (SINGPASS.md §5.3): what `authorizationUrl` creates and `callback` needs.
 * A plain JSON-serializable object, so an app can keep it wherever it keeps sessions; the
 * login-flow helper keeps it in an encrypted cookie.
 */
import type { EcJwk } from './crypto/backend.js';
import { SingpassConfigError } from './errors.js';

/**
 * One login in progress. Keep it server-side or encrypted (it holds the DPoP private key and the
 * PKCE verifier), for this browser only, until the callback; then discard it.
 */
export interface LoginSession {
  /** Sent to Singpass and expected back on the redirect (checked by `callback`). */
  state: string;
  /** Sent to Singpass and expected in the ID token (checked by `callback`). */
  nonce: string;
  /** PKCE verifier (its S256 challenge went to Singpass). */
  codeVerifier: string;
  /** This login's own DPoP key (private JWK, P-256): it signs every proof from PAR to userinfo. */
  dpopKey: EcJwk;
  /** The redirect URI of this login (the token request repeats it). */
  redirectUri: string;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Whether `key` is a login's DPoP key: a private P-256 JWK. */
export function isDpopKey(key: unknown): key is EcJwk {
  const k = key as Partial<EcJwk> | null | undefined;
  return !!k && typeof k === 'object' && k.kty === 'EC' && k.crv === 'P-256' && isString(k.x) && isString(k.y) && isString(k.d);
}

/** @throws {SingpassConfigError} `ERR_INVALID_SESSION` when `session` is not a {@link LoginSession}. */
export function checkSession(session: unknown): asserts session is LoginSession {
  const s = session as Partial<LoginSession> | null | undefined;
  if (!s || typeof s !== 'object' || !isString(s.state) || !isString(s.nonce) || !isString(s.codeVerifier) || !isString(s.redirectUri) || !isDpopKey(s.dpopKey)) {
    throw new SingpassConfigError(
      'ERR_INVALID_SESSION',
      'the login session is missing or incomplete (state, nonce, codeVerifier, redirectUri and dpopKey are needed)',
      'Pass the `session` that authorizationUrl returned for this login, as it was (JSON round trips are fine).',
    );
  }
}
