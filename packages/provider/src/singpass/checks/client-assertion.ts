/**
 * `private_key_jwt` client authentication (RFC 7523, OIDC Core §9) as Singpass checks it, at PAR
 * and at the token endpoint: pure checks, each throwing `invalid_client` with what to fix.
 *
 * UNCERTAIN, and decided here: the docs say `typ: JWT`, but openid-client 6 (and so Singpass's
 * own demo app) leaves `typ` out — a missing `typ` is accepted, a wrong one refused. `aud` must
 * be the issuer; Singpass's Java demo sends the endpoint's URL and the real service appears to
 * accept it, so the endpoint URL is accepted too unless --singpass-assertion-aud issuer.
 */
import { CLIENT_ASSERTION_TYPE, CURVE_OF_ALG, OAuthError, SINGPASS_LIFETIMES, SINGPASS_SIGNING_ALGS, invalidClient } from 'sgid-protocol';
import type { SingpassSigningAlg } from 'sgid-protocol';
import { optionalParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';
import { isSigningAlg, parseCompactJws, verifyEcdsa } from '../crypto/jws.js';
import type { ParsedJws } from '../crypto/jws.js';
import type { RpSigningKey } from '../rp-keys.js';

/** A client assertion read from the form: not yet verified. */
export interface PresentedAssertion {
  jws: ParsedJws;
  /** `sub` (= `iss` = the form's `client_id` when sent). */
  clientId: string;
}

const MAX_ASSERTION_LENGTH = 8 * 1024;

/** The assertion and the client it claims to be, from the form (client_assertion_type, client_assertion, client_id). */
export function readClientAssertion(params: Params): PresentedAssertion {
  const type = optionalParam(params, 'client_assertion_type', false);
  const assertion = optionalParam(params, 'client_assertion', false);
  const formClientId = optionalParam(params, 'client_id', false);
  if (optionalParam(params, 'client_secret', false) !== undefined) {
    throw invalidClient('client_secret is not accepted: Singpass clients authenticate with private_key_jwt (client_assertion signed with your key)');
  }
  if (type === undefined || assertion === undefined || assertion === '') {
    throw invalidClient(`client authentication is missing: send client_assertion_type=${CLIENT_ASSERTION_TYPE} and a client_assertion (private_key_jwt)`);
  }
  if (type !== CLIENT_ASSERTION_TYPE) throw invalidClient(`client_assertion_type must be "${CLIENT_ASSERTION_TYPE}", not "${type}"`);
  if (assertion.length > MAX_ASSERTION_LENGTH) throw invalidClient(`client_assertion is ${assertion.length} characters long; at most ${MAX_ASSERTION_LENGTH}`);
  let jws: ParsedJws;
  try {
    jws = parseCompactJws(assertion);
  } catch (err) {
    throw invalidClient(`client_assertion ${(err as Error).message}`);
  }
  const { iss, sub } = jws.payload;
  if (typeof sub !== 'string' || sub === '') throw invalidClient('client_assertion has no "sub": it must be your client id');
  if (iss !== sub) throw invalidClient(`client_assertion "iss" (${JSON.stringify(iss)}) must equal "sub" (${JSON.stringify(sub)}): both are your client id`);
  if (formClientId !== undefined && formClientId !== sub) {
    throw invalidClient(`client_id "${formClientId}" differs from the client_assertion's iss/sub "${sub}"`);
  }
  return { jws, clientId: sub };
}

/** The assertion names a `kid` the client's keys do not have (the caller may refetch the JWKS once). */
export class UnknownKidError extends OAuthError {
  constructor(readonly kid: string, source: string) {
    super('invalid_client', `client_assertion is signed with kid "${kid}", which ${source} does not have`, { status: 401 });
  }
}

export interface AssertionExpectations {
  clientId: string;
  /** Accepted `aud` values: the issuer (and the endpoint URL unless strict). */
  audiences: readonly string[];
  /** Seconds since the epoch. */
  now: number;
  /** Seconds of clock difference tolerated. */
  skew: number;
  /** For messages: "the registered JWKS" or the URL. */
  source: string;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Verifies a presented assertion: header (alg, typ, kid), signature against the client's
 * signing keys, then the claims (aud, exp, iat, nbf, jti). Returns the jti and exp for the
 * replay cache.
 */
export function verifyClientAssertion(a: PresentedAssertion, keys: readonly RpSigningKey[], x: AssertionExpectations): { jti: string; exp: number } {
  const { header, payload } = a.jws;
  const alg = header['alg'];
  if (!isSigningAlg(alg)) {
    throw invalidClient(`client_assertion "alg" must be one of ${SINGPASS_SIGNING_ALGS.join(', ')}, not ${JSON.stringify(alg)}`);
  }
  if (header['typ'] !== undefined && header['typ'] !== 'JWT') {
    throw invalidClient(`client_assertion "typ" must be "JWT" (or absent), not ${JSON.stringify(header['typ'])}`);
  }
  if (header['crit'] !== undefined) throw invalidClient('client_assertion carries "crit": no critical extension is understood here');
  const kid = header['kid'];
  if (kid !== undefined && typeof kid !== 'string') throw invalidClient('client_assertion "kid" must be a string');
  const candidates = kid !== undefined ? keys.filter((k) => k.kid === kid) : keys.filter((k) => k.crv === CURVE_OF_ALG[alg as SingpassSigningAlg]);
  if (kid !== undefined && candidates.length === 0) throw new UnknownKidError(kid, x.source);
  if (candidates.length === 0) throw invalidClient(`client_assertion is ${alg}, but ${x.source} has no ${CURVE_OF_ALG[alg]} signing key`);
  const verified = candidates.find((k) => {
    if (k.alg !== undefined && k.alg !== alg) return false;
    if (k.crv !== CURVE_OF_ALG[alg]) return false;
    return verifyEcdsa(alg, k.key, a.jws.signingInput, a.jws.signature);
  });
  if (!verified) {
    const k = candidates[0]!;
    if (kid !== undefined && k.alg !== undefined && k.alg !== alg) throw invalidClient(`client_assertion is ${alg}, but key "${kid}" is registered for ${k.alg}`);
    if (kid !== undefined && k.crv !== CURVE_OF_ALG[alg]) throw invalidClient(`client_assertion is ${alg}, but key "${kid}" is on ${k.crv}`);
    throw invalidClient(`client_assertion signature does not verify with ${kid !== undefined ? `key "${kid}"` : `any signing key`} of ${x.source}`);
  }

  const aud = payload['aud'];
  const auds = Array.isArray(aud) ? aud : [aud];
  if (!auds.some((v) => typeof v === 'string' && x.audiences.includes(v))) {
    throw invalidClient(`client_assertion "aud" is ${JSON.stringify(aud)}; it must be the issuer "${x.audiences[0]}"`);
  }
  const { exp, iat, nbf, jti } = payload;
  if (!num(exp)) throw invalidClient('client_assertion has no numeric "exp"');
  if (!num(iat)) throw invalidClient('client_assertion has no numeric "iat"');
  if (exp <= x.now - x.skew) throw invalidClient(`client_assertion expired ${Math.round(x.now - exp)} s ago (exp ${exp}): make a new one for every request`);
  if (iat > x.now + x.skew) throw invalidClient(`client_assertion "iat" is ${Math.round(iat - x.now)} s in the future: check your clock`);
  if (exp - iat > SINGPASS_LIFETIMES.maxProofLifetime) {
    throw invalidClient(`client_assertion lives ${exp - iat} s (exp − iat); at most ${SINGPASS_LIFETIMES.maxProofLifetime} s`);
  }
  if (nbf !== undefined && (!num(nbf) || nbf > x.now + x.skew)) throw invalidClient('client_assertion "nbf" is not a time in the past');
  if (typeof jti !== 'string' || jti === '') throw invalidClient('client_assertion has no "jti": give every assertion a unique one');
  if (jti.length > 255) throw invalidClient('client_assertion "jti" is longer than 255 characters');
  return { jti, exp };
}
