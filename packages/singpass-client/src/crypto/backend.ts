/**
 * The JOSE operations a Singpass login needs, behind one small interface with two
 * implementations (./platform.ts picks one, once):
 *
 * - ./webcrypto.ts — jose on WebCrypto: every runtime (browsers, edge runtimes, Deno, Bun, Node).
 * - ./node.ts — Node's synchronous `crypto` module where the runtime hands it out (Node ≥ 20.16,
 *   Bun, Deno), for exactly the algorithms Singpass uses (ES256/384/512, ECDH-ES(+A*KW),
 *   A256CBC-HS512, A*GCM). WebCrypto costs ~60 µs of CPU per call on Node 20 for its hop to the
 *   thread pool, and a login makes about ten such calls. Anything this path does not handle, and
 *   any message that fails on it, is handed to jose, which decides.
 *
 * Methods may answer synchronously (MaybePromise) so the Node path runs without awaits.
 */

export type MaybePromise<T> = T | Promise<T>;

/** The JWS algorithms of EC keys. */
export type SigningAlg = 'ES256' | 'ES384' | 'ES512';
/** The JWE key-agreement algorithms of EC keys. */
export type KeyAgreementAlg = 'ECDH-ES' | 'ECDH-ES+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-ES+A256KW';
/** The JWE content encryptions this SDK accepts (Singpass uses the first two). */
export type ContentEncryption = 'A256CBC-HS512' | 'A256GCM';
/** The NIST curves Singpass accepts for relying-party keys. */
export type Curve = 'P-256' | 'P-384' | 'P-521';

/** An EC key as a JWK: public (`x`, `y`) or private (with `d`). */
export interface EcJwk {
  kty: 'EC';
  crv: Curve;
  x: string;
  y: string;
  d?: string;
  kid?: string;
  use?: string;
  alg?: string;
  [member: string]: unknown;
}

/** Signs compact JWS with one private key. */
export interface JwsSigner {
  readonly alg: SigningAlg;
  /** Returns the compact JWS of `header` and `payload` (both serialized as JSON). */
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): MaybePromise<string>;
}

/** Verifies compact JWS with one public key. */
export interface JwsVerifier {
  readonly alg: SigningAlg;
  /** Whether the signature of `jws` (already parsed and checked for `alg` by the caller) is valid. */
  verify(jws: string): MaybePromise<boolean>;
}

/** Decrypts compact JWE made for one private key. */
export interface JweDecrypter {
  /**
   * The plaintext of `jwe`, whose protected header (already parsed) names this key and an
   * allowed `alg` and `enc`. @throws on any failure (wrong key, altered message).
   */
  decrypt(jwe: string, header: Record<string, unknown>): MaybePromise<Uint8Array>;
}

export interface CryptoBackend {
  readonly name: 'node-crypto' | 'webcrypto';
  /** A signer for a private EC JWK. @throws when it is not a valid key for `alg`. */
  signer(privateJwk: EcJwk, alg: SigningAlg): MaybePromise<JwsSigner>;
  /** A fresh P-256 key for DPoP: its private JWK (to keep for the login) and its signer. */
  generateDpopKey(): MaybePromise<{ jwk: EcJwk; signer: JwsSigner }>;
  /** A verifier for a public EC JWK. @throws when it is not a valid key for `alg`. */
  verifier(publicJwk: EcJwk, alg: SigningAlg): MaybePromise<JwsVerifier>;
  /** A decrypter for a private EC JWK. @throws when it is not a valid key. */
  decrypter(privateJwk: EcJwk): MaybePromise<JweDecrypter>;
  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): MaybePromise<Uint8Array>;
}

/** The curve of each signing algorithm. */
export const CURVE_OF: Readonly<Record<SigningAlg, Curve>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
/** The signing algorithm of each curve. */
export const SIGNING_ALG_OF: Readonly<Record<Curve, SigningAlg>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
/** Field size in bytes of each curve (the length of `x`, `y`, `d`). */
export const FIELD_BYTES: Readonly<Record<Curve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
/** The key-agreement algorithms, with the size in bits of the key they derive (0: the content key's). */
export const KEY_AGREEMENT_BITS: ReadonlyMap<string, number> = new Map([
  ['ECDH-ES', 0],
  ['ECDH-ES+A128KW', 128],
  ['ECDH-ES+A192KW', 192],
  ['ECDH-ES+A256KW', 256],
]);
/** The content encryptions accepted, with their key sizes in bytes. */
export const CONTENT_KEY_BYTES: ReadonlyMap<string, number> = new Map([
  ['A256CBC-HS512', 64],
  ['A256GCM', 32],
]);

/** Whether `value` is a curve name this SDK accepts. */
export function isCurve(value: unknown): value is Curve {
  return value === 'P-256' || value === 'P-384' || value === 'P-521';
}

/** The public members of an EC JWK (no `d`), with `kid`, `use` and `alg` when present. */
export function publicJwk(jwk: EcJwk): EcJwk {
  const out: EcJwk = { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (jwk.kid !== undefined) out.kid = jwk.kid;
  if (jwk.use !== undefined) out.use = jwk.use;
  if (jwk.alg !== undefined) out.alg = jwk.alg;
  return out;
}
