/**
 * DPoP proofs (RFC 9449 §4.3) as Singpass requires them at PAR, token and userinfo. A pure
 * check of the proof, the request's method and URL, the time and a replay cache; it knows
 * nothing of HTTP frameworks. Each failure is `invalid_dpop_proof` with what to fix.
 *
 * The checks, in order: one `DPoP` header holding a compact JWS; `typ: dpop+jwt`; `alg`
 * ES256/384/512 matching the `jwk`'s curve; `jwk` an EC public key with no private member; the
 * signature; `htm` and `htu` (scheme, host, port and path of this request, no query or
 * fragment); `iat` within the window; `exp`, when sent, ≤ iat + 120 and not past; `ath` =
 * BASE64URL(SHA-256(access token)) at userinfo; the key bound earlier (PAR's key or
 * `dpop_jkt`); and `jti` never seen before.
 */
import { createHash } from 'node:crypto';
import { CURVE_OF_ALG, SINGPASS_CURVES, SINGPASS_LIFETIMES, SINGPASS_SIGNING_ALGS, invalidDpopProof } from 'sgid-protocol';
import type { OAuthError, SingpassCurve } from 'sgid-protocol';
import { ecThumbprint, importEcPublicJwk } from '../crypto/jwk.js';
import type { EcPublicJwk } from '../crypto/jwk.js';
import { isSigningAlg, parseCompactJws, verifyEcdsa } from '../crypto/jws.js';
import type { ReplayCache } from '../replay.js';

export interface DpopInput {
  /** The `DPoP` header(s) as received. */
  proof: string | string[] | undefined;
  /** The request's method, e.g. "POST". */
  method: string;
  /** The endpoint's URL as the provider publishes it (issuer-based, never from Host). */
  url: string;
  /** Seconds since the epoch. */
  now: number;
  skew: number;
  replay: ReplayCache;
  /** At userinfo: the access token the proof must be bound to (`ath`). */
  accessToken?: string;
  /** The thumbprint the proof's key must have (bound at PAR, or the token's `cnf.jkt`). */
  expectedJkt?: string;
  /** 401 at userinfo (RFC 9449 §7.1), 400 elsewhere. */
  status?: number;
}

export interface DpopResult {
  /** RFC 7638 thumbprint of the proof's key. */
  jkt: string;
  jwk: EcPublicJwk;
}

/** How far back a proof's `iat` may be (a proof is made for one request, just before it). */
export const DPOP_MAX_AGE_S = SINGPASS_LIFETIMES.maxProofLifetime;

const MAX_PROOF_LENGTH = 4 * 1024;

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `htu` compared as RFC 9449 §4.3 says: without query and fragment, scheme and host case-insensitively. */
function sameHtu(htu: string, url: string): boolean {
  try {
    const a = new URL(htu);
    const b = new URL(url);
    return a.origin === b.origin && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export async function checkDpopProof(input: DpopInput): Promise<DpopResult> {
  const fail = (why: string): OAuthError => invalidDpopProof(`DPoP proof ${why}`, input.status ?? 400);
  if (Array.isArray(input.proof)) throw fail(`headers: ${input.proof.length} were sent; send exactly one`);
  const proof = input.proof;
  if (proof === undefined || proof === '') throw fail('is missing');
  if (proof.length > MAX_PROOF_LENGTH) throw fail(`is ${proof.length} characters long; at most ${MAX_PROOF_LENGTH}`);
  let jws;
  try {
    jws = parseCompactJws(proof);
  } catch (err) {
    throw fail((err as Error).message);
  }
  const { header, payload } = jws;

  if (header['typ'] !== 'dpop+jwt') throw fail(`"typ" must be "dpop+jwt", not ${JSON.stringify(header['typ'])}`);
  const alg = header['alg'];
  if (!isSigningAlg(alg)) throw fail(`"alg" must be one of ${SINGPASS_SIGNING_ALGS.join(', ')}, not ${JSON.stringify(alg)}`);
  const jwk = header['jwk'];
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw fail('header has no "jwk": put the public key that signs the proof there');
  const j = jwk as Record<string, unknown>;
  if ('d' in j) throw fail('"jwk" contains the private key ("d"): publish only the public key, and replace this key — it is compromised');
  if (j['kty'] !== 'EC') throw fail(`"jwk" must be an EC key, not ${JSON.stringify(j['kty'])}`);
  if (!(SINGPASS_CURVES as readonly unknown[]).includes(j['crv'])) throw fail(`"jwk" curve must be one of ${SINGPASS_CURVES.join(', ')}`);
  const crv = j['crv'] as SingpassCurve;
  if (CURVE_OF_ALG[alg] !== crv) throw fail(`is ${alg}, but its "jwk" is on ${crv} (${alg} needs ${CURVE_OF_ALG[alg]})`);
  if (typeof j['x'] !== 'string' || typeof j['y'] !== 'string') throw fail('"jwk" has no x and y');
  const publicJwk: EcPublicJwk = { kty: 'EC', crv, x: j['x'], y: j['y'] };
  let key;
  try {
    key = importEcPublicJwk(publicJwk);
  } catch {
    throw fail('"jwk" is not a public key on its curve');
  }
  if (!verifyEcdsa(alg, key, jws.signingInput, jws.signature)) throw fail('signature does not verify with the "jwk" in its header');

  const { htm, htu, iat, exp, jti, ath } = payload;
  if (htm !== input.method) throw fail(`"htm" is ${JSON.stringify(htm)}; this request is ${input.method}`);
  if (typeof htu !== 'string' || !sameHtu(htu, input.url)) throw fail(`"htu" is ${JSON.stringify(htu)}; this endpoint is ${input.url}`);
  if (!num(iat)) throw fail('has no numeric "iat"');
  if (iat > input.now + input.skew) throw fail(`"iat" is ${Math.round(iat - input.now)} s in the future: check your clock`);
  if (iat < input.now - DPOP_MAX_AGE_S - input.skew) throw fail(`is ${Math.round(input.now - iat)} s old; make a new proof for every request`);
  if (exp !== undefined) {
    if (!num(exp)) throw fail('"exp" is not a number');
    if (exp <= input.now - input.skew) throw fail(`expired ${Math.round(input.now - exp)} s ago`);
    if (exp - iat > SINGPASS_LIFETIMES.maxProofLifetime) throw fail(`lives ${exp - iat} s (exp − iat); at most ${SINGPASS_LIFETIMES.maxProofLifetime} s`);
  }
  if (typeof jti !== 'string' || jti === '') throw fail('has no "jti": give every proof a unique one');
  if (jti.length > 255) throw fail('"jti" is longer than 255 characters');
  if (input.accessToken !== undefined) {
    const expected = createHash('sha256').update(input.accessToken).digest('base64url');
    if (ath === undefined) throw fail('has no "ath": at userinfo it must carry BASE64URL(SHA-256(access token))');
    if (ath !== expected) throw fail('"ath" is not the hash of this access token');
  }
  const jkt = ecThumbprint(publicJwk);
  if (input.expectedJkt !== undefined && jkt !== input.expectedJkt) {
    throw fail('is signed with another key than the one this login is bound to (use the same DPoP key from PAR to token to userinfo)');
  }
  // Last, so that only a proof that passed everything else takes its jti.
  const ttlMs = (DPOP_MAX_AGE_S + 2 * input.skew) * 1000;
  if (!(await input.replay.firstUse(`dpop\u0000${jkt}\u0000${jti}`, ttlMs))) {
    throw fail(`"jti" ${JSON.stringify(jti)} was used before: a proof is good for one request`);
  }
  return { jkt, jwk: publicJwk };
}
