/**
 * The provider's Node fast path for sgID's end-to-end encryption of userinfo: the same JWEs as
 * sgid-protocol's runtime-neutral encryptUserinfo, made with synchronous node:crypto.
 *
 * Why: jose 6 runs every operation through crypto.subtle, and on Node each subtle call costs
 * ~60-70 µs (a thread-pool hop) on top of the work. A response takes one RSA-OAEP encryption
 * plus a key wrap and a content encryption per value, so with WebCrypto most of the time is
 * overhead. test/fast-crypto.test.ts decrypts these JWEs with jose's compactDecrypt.
 *
 * Formats (RFC 7516 compact serialization, RFC 7518 algorithms):
 * - `key`: alg RSA-OAEP-256, enc A256GCM — a random 256-bit CEK encrypted to the client's RSA
 *   key (OAEP, SHA-256), the block key JWK encrypted under the CEK with AES-256-GCM.
 * - `data[scope]`: alg A128GCMKW, enc A128GCM — a fresh 128-bit CEK wrapped with AES-128-GCM
 *   under the block key (the wrap's `iv` and `tag` go in the protected header, §4.7), the value
 *   encrypted under the CEK with AES-128-GCM.
 * In both, the content encryption's AAD is the ASCII of the base64url protected header.
 */
import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ALGORITHMS } from 'sgid-protocol';
import type { EncryptedUserinfo } from 'sgid-protocol';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** AES-GCM with a 96-bit IV and a 128-bit tag. */
function gcm(
  cipher: 'aes-128-gcm' | 'aes-256-gcm',
  key: Uint8Array,
  iv: Uint8Array,
  plaintext: Uint8Array,
  aad?: Uint8Array,
): { ciphertext: Buffer; tag: Buffer } {
  const c = createCipheriv(cipher, key, iv);
  if (aad) c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final()]);
  return { ciphertext, tag: c.getAuthTag() };
}

/** Compact JWE: content encrypted with `enc` under `cek`, AAD = ASCII of the encoded header. */
function compact(header: object, encryptedKey: Uint8Array, cipher: 'aes-128-gcm' | 'aes-256-gcm', cek: Uint8Array, plaintext: Uint8Array): string {
  const protectedHeader = Buffer.from(JSON.stringify(header)).toString('base64url');
  const iv = randomBytes(12);
  const { ciphertext, tag } = gcm(cipher, cek, iv, plaintext, Buffer.from(protectedHeader, 'ascii'));
  return `${protectedHeader}.${b64(encryptedKey)}.${b64(iv)}.${b64(ciphertext)}.${b64(tag)}`;
}

/**
 * Encrypts `values` (scope → string) for a client whose public key is `clientPublicKey`
 * (a node KeyObject, e.g. createPublicKey(spkiPem)).
 */
export function encryptUserinfoNode(values: Readonly<Record<string, string>>, clientPublicKey: KeyObject): EncryptedUserinfo {
  const blockKey = randomBytes(16);
  const jwk = JSON.stringify({ kty: 'oct', alg: ALGORITHMS.dataEnc, k: b64(blockKey) });

  const keyCek = randomBytes(32);
  const encryptedKeyCek = publicEncrypt({ key: clientPublicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, keyCek);
  const key = compact({ alg: ALGORITHMS.keyAlg, enc: ALGORITHMS.keyEnc }, encryptedKeyCek, 'aes-256-gcm', keyCek, Buffer.from(jwk));

  const data: Record<string, string> = {};
  for (const [scope, value] of Object.entries(values)) {
    const cek = randomBytes(16);
    const wrapIv = randomBytes(12);
    const wrapped = gcm('aes-128-gcm', blockKey, wrapIv, cek);
    const header = { alg: ALGORITHMS.dataAlg, enc: ALGORITHMS.dataEnc, iv: b64(wrapIv), tag: b64(wrapped.tag) };
    data[scope] = compact(header, wrapped.ciphertext, 'aes-128-gcm', cek, Buffer.from(value));
  }
  return { key, data };
}
