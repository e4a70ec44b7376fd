/**
 * ID token validation, with the official SDK's semantics (openid-client 5): alg RS256, the
 * required claims, `iss` byte for byte, `iat` numeric, `nbf`/`exp` against the clock (tolerance
 * default 0), `aud`/`azp`, signature by `kid` from the JWKS, `nonce` equality (a token carrying
 * a nonce the caller did not pass fails), `at_hash` when present. Messages match openid-client's.
 */
import { compactVerify } from 'jose';
import { base64url } from 'sgid-protocol';
import { asciiBytes, decodeBase64url } from './crypto/base64url.js';
import { decodeJsonSegment } from './crypto/jose-compact.js';
import { SgidIdTokenError, type SgidErrorCode } from './errors.js';
import type { MaybePromise } from './crypto/backend.js';
import type { JwksCache, VerificationKey } from './jwks.js';
import { sha256 } from './sha256.js';

/** What an ID token is checked against. */
export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  /** The nonce sent at authorize, or undefined when none was sent. */
  nonce: string | undefined;
  /** Seconds of accepted clock skew. */
  clockTolerance: number;
  /** The access token issued with the ID token, for `at_hash`. */
  accessToken?: string;
  /** Seconds since the epoch; default now. */
  now?: number;
}

/** The claims of a validated ID token. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  [claim: string]: unknown;
}

const decoder = new TextDecoder();

function fail(code: SgidErrorCode, message: string, hint: string, cause?: unknown): never {
  throw new SgidIdTokenError(code, message, hint, { cause });
}

/** The lenient decoding used before the signature check (atob: padding and '+' '/' pass). */
function decodeSegmentLeniently(segment: string): Record<string, unknown> {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const value: unknown = JSON.parse(decoder.decode(bytes));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('not a JSON object');
  return value as Record<string, unknown>;
}

/**
 * A segment decoded strictly (base64url alphabet only: `strict` true), or else leniently as
 * before (`strict` false: the signature is then left to jose, which is strict).
 */
function decodeSegment(segment: string): [Record<string, unknown>, strict: boolean] {
  try {
    return [decodeJsonSegment(segment), true];
  } catch {
    return [decodeSegmentLeniently(segment), false];
  }
}

const CHECK_HOSTNAME = 'Check that hostname is the provider your client is registered with.';

/** An ID token decoded and its claims checked, waiting for its signature check. */
interface DecodedIdToken {
  parts: string[];
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Whether both segments were strict base64url (else only jose judges the signature). */
  strict: boolean;
}

/**
 * Validates an ID token and returns its claims.
 * @throws {SgidIdTokenError} with a code per failed check (`ERR_ID_TOKEN_*`, `ERR_JWKS_*`).
 */
export async function validateIdToken(idToken: string, expected: IdTokenExpectations, jwks: JwksCache): Promise<IdTokenClaims> {
  return checkIdToken(idToken, expected, jwks);
}

/**
 * {@link validateIdToken}, answering synchronously when it can: when the signing key is already
 * imported and the backend verifies synchronously (Node's `crypto`), which is every login after
 * the first. Same checks in the same order; a failure may throw instead of rejecting.
 */
export function checkIdToken(idToken: string, expected: IdTokenExpectations, jwks: JwksCache): MaybePromise<IdTokenClaims> {
  const token = decodeAndCheckClaims(idToken, expected);
  const kid = typeof token.header.kid === 'string' ? token.header.kid : undefined;
  const key = jwks.peek(kid);
  if (!key) return verifySignature(idToken, token, expected, jwks, kid);
  const fast = fastVerify(key, token);
  if (fast === true) return checkNonce(token.payload, expected);
  if (fast === false) return verifySignature(idToken, token, expected, jwks, kid, key);
  return fast.then((ok) => (ok ? checkNonce(token.payload, expected) : verifySignature(idToken, token, expected, jwks, kid, key)));
}

/** Decodes the token and checks its claims (all but the nonce and at_hash). */
function decodeAndCheckClaims(idToken: string, expected: IdTokenExpectations): DecodedIdToken {
  const parts = typeof idToken === 'string' ? idToken.split('.') : [];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  let strict: boolean;
  try {
    if (parts.length !== 3) throw new TypeError('a JWS has three parts');
    let strictPayload: boolean;
    [header, strict] = decodeSegment(parts[0]!);
    [payload, strictPayload] = decodeSegment(parts[1]!);
    strict &&= strictPayload;
  } catch (err) {
    const e = err as Error;
    return fail('ERR_ID_TOKEN_MALFORMED', `failed to decode JWT (${e.name}: ${e.message})`, 'The provider returned something that is not a signed JWT: check hostname.', err);
  }
  const timestamp = expected.now ?? Math.floor(Date.now() / 1000);
  const tolerance = expected.clockTolerance;

  if (header.alg !== 'RS256') {
    fail('ERR_ID_TOKEN_ALG', `unexpected JWT alg received, expected RS256, got: ${String(header.alg)}`, 'sgID signs ID tokens with RS256 only; a token with another alg is forged or from another provider.');
  }
  for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat']) {
    if (payload[claim] === undefined) fail('ERR_ID_TOKEN_CLAIM_MISSING', `missing required JWT property ${claim}`, CHECK_HOSTNAME);
  }
  if (payload.iss !== expected.issuer) {
    fail('ERR_ID_TOKEN_ISSUER', `unexpected iss value, expected ${expected.issuer}, got: ${String(payload.iss)}`, `The issuer must be exactly "${expected.issuer}" (<origin of hostname>/v2): check hostname.`);
  }
  if (typeof payload.iat !== 'number') fail('ERR_ID_TOKEN_CLAIM_MISSING', 'JWT iat claim must be a JSON numeric value', CHECK_HOSTNAME);
  if (payload.nbf !== undefined) {
    if (typeof payload.nbf !== 'number') fail('ERR_ID_TOKEN_CLAIM_MISSING', 'JWT nbf claim must be a JSON numeric value', CHECK_HOSTNAME);
    if (payload.nbf > timestamp + tolerance) {
      fail('ERR_ID_TOKEN_NOT_YET_VALID', `JWT not active yet, now ${timestamp + tolerance}, nbf ${payload.nbf}`, "Check this server's clock (NTP), or set clockTolerance.");
    }
  }
  if (typeof payload.exp !== 'number') fail('ERR_ID_TOKEN_CLAIM_MISSING', 'JWT exp claim must be a JSON numeric value', CHECK_HOSTNAME);
  if (timestamp - tolerance >= payload.exp) {
    fail('ERR_ID_TOKEN_EXPIRED', `JWT expired, now ${timestamp - tolerance}, exp ${payload.exp}`, "Check this server's clock (NTP), or set clockTolerance (seconds).");
  }
  const aud = payload.aud;
  if (Array.isArray(aud)) {
    if (aud.length > 1 && payload.azp === undefined) fail('ERR_ID_TOKEN_AUDIENCE', 'missing required JWT property azp', CHECK_HOSTNAME);
    if (!aud.includes(expected.clientId)) {
      fail('ERR_ID_TOKEN_AUDIENCE', `aud is missing the client_id, expected ${expected.clientId} to be included in ${JSON.stringify(aud)}`, 'Check clientId: the token was issued to another client.');
    }
  } else if (aud !== expected.clientId) {
    fail('ERR_ID_TOKEN_AUDIENCE', `aud mismatch, expected ${expected.clientId}, got: ${String(aud)}`, 'Check clientId: the token was issued to another client.');
  }
  if (payload.azp !== undefined && payload.azp !== expected.clientId) {
    fail('ERR_ID_TOKEN_AUDIENCE', `azp mismatch, got: ${String(payload.azp)}`, 'Check clientId: the token was issued to another client.');
  }

  return { parts, header, payload, strict };
}

/**
 * The backend's RS256 check, for tokens it takes (no crit, strict base64url segments); false
 * when it does not take the token or the signature does not verify (jose then decides).
 */
function fastVerify(key: VerificationKey, token: DecodedIdToken): MaybePromise<boolean> {
  if (!key.fast || !token.strict || token.header.crit !== undefined) return false;
  const { parts } = token;
  try {
    const ok = key.fast.verify(asciiBytes(`${parts[0]}.${parts[1]}`), decodeBase64url(parts[2]!));
    return ok instanceof Promise ? ok.catch(() => false) : ok;
  } catch {
    return false;
  }
}

/**
 * The signature check when it could not be settled synchronously: fetches or imports the key
 * when needed (`known`: the key already tried on the fast path, which did not accept the token),
 * then jose, the reference, decides what the fast path did not accept.
 */
async function verifySignature(
  idToken: string,
  token: DecodedIdToken,
  expected: IdTokenExpectations,
  jwks: JwksCache,
  kid: string | undefined,
  known?: VerificationKey,
): Promise<IdTokenClaims> {
  const key = known ?? (await jwks.getKey(kid));
  if (known || !(await fastVerify(key, token))) {
    try {
      await compactVerify(idToken, await key.jose(), { algorithms: ['RS256'] });
    } catch (err) {
      fail('ERR_ID_TOKEN_SIGNATURE', 'failed to validate JWT signature', 'The token was altered or not signed by this provider: check hostname.', err);
    }
  }
  return checkNonce(token.payload, expected);
}

/** The checks after the signature: nonce, then at_hash. */
function checkNonce(payload: Record<string, unknown>, expected: IdTokenExpectations): IdTokenClaims {
  if ((payload.nonce !== undefined || expected.nonce !== undefined) && payload.nonce !== expected.nonce) {
    fail(
      'ERR_ID_TOKEN_NONCE',
      `nonce mismatch, expected ${String(expected.nonce)}, got: ${String(payload.nonce)}`,
      'Pass callback() the nonce that authorizationUrl() returned for this login (null if you passed nonce: null).',
    );
  }
  if (expected.accessToken !== undefined && payload.at_hash !== undefined) {
    const digest = sha256(expected.accessToken);
    if (payload.at_hash !== base64url(digest.subarray(0, 16))) {
      fail('ERR_ID_TOKEN_AT_HASH', 'at_hash mismatch', 'The access token does not belong to this ID token: the token response was tampered with.');
    }
  }
  return payload as IdTokenClaims;
}
