/**
 * Opening what Singpass sends (SINGPASS.md §1b): the ID token and the userinfo answer are both a
 * JWS signed by Singpass (ES256, with `kid`) inside a JWE encrypted to one of the client's
 * encryption keys (ECDH-ES+A*KW, with `kid`; content A256CBC-HS512 or A256GCM — both accepted for
 * both). Decrypting proves nothing about the sender (anyone can encrypt to a public key), so the
 * inner signature is always verified. This runs as oauth4webapi's `jweDecrypt` hook, which then
 * checks the claims (iss, aud, exp, nonce…) of what it returns.
 */
import * as oauth from 'oauth4webapi';
import { CONTENT_KEY_BYTES, type SigningAlg } from './crypto/backend.js';
import { fromUtf8, jsonSegment } from './crypto/bytes.js';
import { SingpassError, SingpassIdTokenError, SingpassUserinfoError, type SingpassErrorCode } from './errors.js';
import type { ClientKeys } from './keys.js';
import { KeyNotFound, type ProviderKeys } from './provider-keys.js';

/** Which message is being opened. */
export type JwtKind = 'id_token' | 'userinfo';

const CODES = {
  id_token: {
    label: 'ID token',
    notEncrypted: 'ERR_ID_TOKEN_NOT_ENCRYPTED',
    decrypt: 'ERR_ID_TOKEN_DECRYPT',
    malformed: 'ERR_ID_TOKEN_MALFORMED',
    alg: 'ERR_ID_TOKEN_ALG',
    signature: 'ERR_ID_TOKEN_SIGNATURE',
    issuer: 'ERR_ID_TOKEN_ISSUER',
    audience: 'ERR_ID_TOKEN_AUDIENCE',
    expired: 'ERR_ID_TOKEN_EXPIRED',
    iat: 'ERR_ID_TOKEN_IAT',
    missing: 'ERR_ID_TOKEN_CLAIM_MISSING',
  },
  userinfo: {
    label: 'userinfo response',
    notEncrypted: 'ERR_USERINFO_NOT_ENCRYPTED',
    decrypt: 'ERR_USERINFO_DECRYPT',
    malformed: 'ERR_USERINFO_MALFORMED',
    alg: 'ERR_USERINFO_ALG',
    signature: 'ERR_USERINFO_SIGNATURE',
    issuer: 'ERR_USERINFO_ISSUER',
    audience: 'ERR_USERINFO_AUDIENCE',
    expired: 'ERR_USERINFO_MALFORMED',
    iat: 'ERR_USERINFO_MALFORMED',
    missing: 'ERR_USERINFO_CLAIM_MISSING',
  },
} as const satisfies Record<JwtKind, Record<string, string>>;

type Check = Exclude<keyof (typeof CODES)['id_token'], 'label'>;

const HINTS: Record<Check, string> = {
  notEncrypted: 'Singpass FAPI always encrypts it to your encryption key: check that the issuer is the FAPI one (…/fapi) and that your JWKS URL serves an "enc" key.',
  decrypt:
    'It was not encrypted to a key of yours: check that the JWKS URL registered with Singpass serves client.jwks() of these same keys. After a rotation, keep the old encryption key in `keys` until Singpass’s JWKS cache (1 hour) has the new one.',
  malformed: 'Singpass sent something that is not a well-formed signed JWT: check that the issuer URL points at Singpass.',
  alg: 'Singpass signs with ES256 only: a token signed otherwise is not from Singpass.',
  signature: 'The signature does not match Singpass’s published key: the message was forged or altered. Do not use it.',
  issuer: 'The token was issued by another issuer than the one configured: check the issuer URL (staging vs production, FAPI vs legacy).',
  audience: 'The token was issued to another client: check clientId.',
  expired: 'The token has expired: check this server’s clock (clockTolerance allows some skew).',
  iat: 'The token claims to be issued in the future: check this server’s clock (clockTolerance allows some skew).',
  missing: 'Singpass always sends this claim: check that the issuer URL points at Singpass.',
};

/** A typed error for `kind` failing `check`. */
export function jwtError(kind: JwtKind, check: Check, message: string, cause?: unknown): SingpassError {
  const code = CODES[kind][check] as SingpassErrorCode;
  const text = `${CODES[kind].label}: ${message}`;
  const hint = HINTS[check];
  const options = cause === undefined ? undefined : { cause };
  return kind === 'id_token' ? new SingpassIdTokenError(code, text, hint, options) : new SingpassUserinfoError(code, text, hint, options);
}

/** The JWS algorithms accepted from Singpass. */
const SIGNING_ALGS: ReadonlySet<string> = new Set<SigningAlg>(['ES256']);

/** Records that the hook ran (so an unencrypted token, which never reaches it, is refused). */
export interface OpenedJwt {
  /** The inner JWS, once decrypted and its signature verified. */
  jws?: string;
}

/**
 * Decrypts a compact JWE with the client key its `kid` names (or, without `kid`, each key of the
 * same `alg`), checks that it holds a JWS signed by Singpass, and returns that JWS.
 */
export async function openJwt(jwe: string, kind: JwtKind, keys: ClientKeys, providerKeys: ProviderKeys, opened: OpenedJwt): Promise<string> {
  const parts = jwe.split('.');
  let header: Record<string, unknown>;
  try {
    header = jsonSegment(parts[0]!);
  } catch (cause) {
    throw jwtError(kind, 'malformed', 'the JWE header is not base64url JSON', cause);
  }
  const { alg, enc, kid } = header;
  if (typeof enc !== 'string' || !CONTENT_KEY_BYTES.has(enc)) {
    throw jwtError(kind, 'decrypt', `unsupported content encryption ${JSON.stringify(enc)} (A256CBC-HS512 and A256GCM are accepted)`);
  }
  const candidates = keys.encryptionKeys().filter((k) => (kid === undefined || k.kid === kid) && k.alg === alg);
  if (candidates.length === 0) {
    const known = keys.encryptionKeys().map((k) => `${k.kid} (${k.alg})`).join(', ');
    throw jwtError(kind, 'decrypt', `encrypted to kid ${JSON.stringify(kid)} with alg ${JSON.stringify(alg)}, which is none of your encryption keys: ${known}`);
  }
  let plaintext: Uint8Array | undefined;
  let failure: unknown;
  for (const key of candidates) {
    try {
      plaintext = await (await keys.decrypter(key)).decrypt(jwe, header);
      break;
    } catch (err) {
      failure = err;
    }
  }
  if (!plaintext) throw jwtError(kind, 'decrypt', `it does not decrypt with your key ${candidates.map((k) => k.kid).join(', ')}`, failure);

  const jws = fromUtf8(plaintext);
  const segments = jws.split('.');
  let jwsHeader: Record<string, unknown>;
  try {
    if (segments.length !== 3) throw new TypeError('not three segments');
    jwsHeader = jsonSegment(segments[0]!);
  } catch (cause) {
    throw jwtError(kind, 'malformed', 'the decrypted content is not a signed JWT (JWS)', cause);
  }
  if (typeof jwsHeader.alg !== 'string' || !SIGNING_ALGS.has(jwsHeader.alg)) throw jwtError(kind, 'alg', `signed with ${JSON.stringify(jwsHeader.alg)}, expected ES256`);
  const jwsKid = jwsHeader.kid;
  if (jwsKid !== undefined && typeof jwsKid !== 'string') throw jwtError(kind, 'malformed', 'the JWS "kid" is not a string');
  let verifier;
  try {
    verifier = await providerKeys.verifier(jwsKid, jwsHeader.alg as SigningAlg);
  } catch (err) {
    if (!(err instanceof KeyNotFound)) throw err;
    const code = 'ERR_JWKS_NO_MATCHING_KEY' as const;
    const hint =
      err.reason === 'ambiguous'
        ? 'Singpass publishes several signing keys and this token names none: it is not from Singpass.'
        : 'Signed with a key Singpass does not publish (refetched already): the token is forged, or from another issuer (staging vs production).';
    throw kind === 'id_token' ? new SingpassIdTokenError(code, err.message, hint) : new SingpassUserinfoError(code, err.message, hint);
  }
  if (!(await verifier.verify(jws))) throw jwtError(kind, 'signature', `the signature does not verify with Singpass's key ${JSON.stringify(jwsKid)}`);
  opened.jws = jws;
  return jws;
}

/**
 * Turns what oauth4webapi throws while checking a JWT's claims into the typed error of `kind`;
 * undefined when `err` is not about the JWT.
 */
export function claimError(err: unknown, kind: JwtKind): SingpassError | undefined {
  if (err instanceof SingpassError) return err;
  if (!(err instanceof oauth.OperationProcessingError)) return undefined;
  const cause = err.cause as { claim?: unknown } | undefined;
  const claim = typeof cause?.claim === 'string' ? cause.claim : undefined;
  switch (err.code) {
    case oauth.JWT_CLAIM_COMPARISON:
      if (claim === 'iss') return jwtError(kind, 'issuer', err.message, err);
      if (claim === 'aud' || claim === 'azp') return jwtError(kind, 'audience', err.message, err);
      if (claim === 'nonce' && kind === 'id_token') {
        return new SingpassIdTokenError(
          'ERR_ID_TOKEN_NONCE',
          `ID token: ${err.message}`,
          'The ID token belongs to another login than this session: pass the session that authorizationUrl returned for this login (the login-flow helper does).',
          { cause: err },
        );
      }
      return jwtError(kind, 'malformed', err.message, err);
    case oauth.JWT_TIMESTAMP_CHECK:
      return jwtError(kind, claim === 'exp' ? 'expired' : 'iat', err.message, err);
    case oauth.JSON_ATTRIBUTE_COMPARISON:
      if (kind === 'userinfo') {
        return new SingpassUserinfoError(
          'ERR_SUB_MISMATCH',
          'userinfo response: its sub is not the sub of the ID token',
          'The data is about someone else than the user who logged in: never use it. Pass the tokens of this login to userinfo.',
          { cause: err },
        );
      }
      return jwtError(kind, 'malformed', err.message, err);
    case oauth.JWT_USERINFO_EXPECTED:
      return jwtError(kind, 'notEncrypted', 'Singpass answered plain JSON, not an encrypted JWT', err);
    case oauth.INVALID_RESPONSE:
    case oauth.PARSE_ERROR:
      if (/claim missing/.test(err.message)) return jwtError(kind, 'missing', err.message, err);
      if (/"alg"/.test(err.message)) return jwtError(kind, 'alg', err.message, err);
      if (/JWT|"sub"/.test(err.message)) return jwtError(kind, 'malformed', err.message, err);
      return undefined;
    default:
      return undefined;
  }
}
