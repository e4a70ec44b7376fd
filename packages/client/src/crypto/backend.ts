/**
 * The few primitives the SDK's hot path needs (SPEC.md "ID token" and "End-to-end
 * encryption"), behind one small interface with two implementations: Node's synchronous
 * `crypto` module where the runtime offers it (./node.ts) and WebCrypto everywhere else
 * (./webcrypto.ts). ./platform.ts picks one, once. Each method may answer synchronously.
 */

export type MaybePromise<T> = T | Promise<T>;

/** The hashes of the RSA-OAEP family: RSA-OAEP (SHA-1), RSA-OAEP-256, -384, -512. */
export type OaepHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** The client's RSA private key, for RSA-OAEP key transport (any of the OAEP hashes). */
export interface RsaOaepPrivateKey {
  /** @throws when the ciphertext does not decrypt (wrong key, altered data). */
  decrypt(hash: OaepHash, ciphertext: Uint8Array): MaybePromise<Uint8Array>;
}

/** A provider's RSA public key, for RS256 (RSASSA-PKCS1-v1_5 with SHA-256). */
export interface Rs256PublicKey {
  verify(signingInput: Uint8Array, signature: Uint8Array): MaybePromise<boolean>;
}

/** A raw AES key (16, 24 or 32 bytes) used with AES-GCM; 96-bit IV, 128-bit tag. */
export interface AesGcmKey {
  /** @throws when the tag does not verify. */
  decrypt(iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): MaybePromise<Uint8Array>;
}

export interface CryptoBackend {
  readonly name: 'node-crypto' | 'webcrypto';
  /** Imports a PKCS#8 DER RSA private key. @throws when it is not one. */
  importRsaPrivateKey(pkcs8Der: Uint8Array): MaybePromise<RsaOaepPrivateKey & { modulusLength: number }>;
  /** Imports an RSA public JWK's `n` and `e`. @throws when they are not a valid key. */
  importRsaPublicJwk(n: string, e: string): MaybePromise<Rs256PublicKey & { modulusLength: number }>;
  /** A key for several AES-GCM decryptions (WebCrypto imports it once). */
  aesGcmKey(raw: Uint8Array): AesGcmKey;
  /** One AES-GCM decryption with a key used once. @throws as {@link AesGcmKey.decrypt}. */
  aesGcmDecrypt(raw: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): MaybePromise<Uint8Array>;
  /**
   * AES_CBC_HMAC_SHA2 content decryption (RFC 7518 §5.2; A128CBC-HS256, A192CBC-HS384,
   * A256CBC-HS512 by key length 32/48/64): the tag is checked before decrypting.
   * @throws when the tag does not verify or the padding is wrong.
   */
  aesCbcHmacDecrypt(cek: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): MaybePromise<Uint8Array>;
}

/** The JWE `enc` values with a fast path, and their key sizes in bytes. */
export const CONTENT_KEY_BYTES: ReadonlyMap<unknown, number> = new Map([
  ['A128GCM', 16],
  ['A192GCM', 24],
  ['A256GCM', 32],
  ['A128CBC-HS256', 32],
  ['A192CBC-HS384', 48],
  ['A256CBC-HS512', 64],
]);

/** The RSA-OAEP JWE `alg` values and their hashes. */
export const OAEP_HASHES: ReadonlyMap<unknown, OaepHash> = new Map([
  ['RSA-OAEP', 'SHA-1'],
  ['RSA-OAEP-256', 'SHA-256'],
  ['RSA-OAEP-384', 'SHA-384'],
  ['RSA-OAEP-512', 'SHA-512'],
]);

/** The AES-GCM key wrapping JWE `alg` values and their key sizes in bytes. */
export const GCMKW_KEY_BYTES: ReadonlyMap<unknown, number> = new Map([
  ['A128GCMKW', 16],
  ['A192GCMKW', 24],
  ['A256GCMKW', 32],
]);

/** The AAD length block of AES_CBC_HMAC_SHA2: the AAD's length in bits, 64-bit big-endian. */
export function aadLengthBlock(aad: Uint8Array): Uint8Array {
  const al = new Uint8Array(8);
  const bits = aad.length * 8;
  new DataView(al.buffer).setUint32(0, Math.floor(bits / 0x100000000));
  new DataView(al.buffer).setUint32(4, bits >>> 0);
  return al;
}

/** Constant-time comparison of two byte strings of public length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The bytes of `parts`, one after the other, in a new array. */
export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
