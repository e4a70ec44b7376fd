/**
 * Hand parsing of compact JWE for the fast path: five segments, strict base64url, a JSON-object
 * protected header without `crit` or `zip`. Anything else throws, and the caller hands the
 * message to jose, which decides (and produces the same errors as before).
 */
import { asciiBytes, decodeBase64url, decodeBase64urlText } from './base64url.js';
import { CONTENT_KEY_BYTES, type CryptoBackend, type MaybePromise } from './backend.js';

export const decoder = new TextDecoder();

export interface ParsedJwe {
  header: Record<string, unknown>;
  /** ASCII of the protected header segment: the AAD of a compact JWE. */
  aad: Uint8Array;
  encryptedKey: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

/** Decodes a base64url segment holding a JSON object. @throws {TypeError} otherwise. */
export function decodeJsonSegment(segment: string): Record<string, unknown> {
  const value: unknown = JSON.parse(decodeBase64urlText(segment));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('not a JSON object');
  return value as Record<string, unknown>;
}

/** @throws {TypeError} when `jwe` is not a compact JWE this fast path handles. */
export function parseCompactJwe(jwe: unknown): ParsedJwe {
  if (typeof jwe !== 'string') throw new TypeError('not a string');
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new TypeError('a compact JWE has five segments');
  const header = decodeJsonSegment(parts[0]!);
  if (header.crit !== undefined || header.zip !== undefined) throw new TypeError('crit and zip are left to jose');
  return {
    header,
    aad: asciiBytes(parts[0]!),
    encryptedKey: decodeBase64url(parts[1]!),
    iv: decodeBase64url(parts[2]!),
    ciphertext: decodeBase64url(parts[3]!),
    tag: decodeBase64url(parts[4]!),
  };
}

/**
 * Content decryption for `enc` (an AES-GCM or AES_CBC_HMAC_SHA2 value) with `cek`.
 * @throws when `enc` or the key length is unsupported, or the message does not authenticate.
 */
export function decryptContent(backend: CryptoBackend, enc: unknown, cek: Uint8Array, jwe: ParsedJwe): MaybePromise<Uint8Array> {
  if (CONTENT_KEY_BYTES.get(enc) !== cek.length) throw new TypeError('unsupported enc or wrong key length');
  if ((enc as string).endsWith('GCM')) return backend.aesGcmDecrypt(cek, jwe.iv, jwe.ciphertext, jwe.tag, jwe.aad);
  return backend.aesCbcHmacDecrypt(cek, jwe.iv, jwe.ciphertext, jwe.tag, jwe.aad);
}
