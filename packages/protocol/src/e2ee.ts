/**
 * sgID's end-to-end encryption of userinfo (SPEC.md, "End-to-end encryption"):
 * a fresh 128-bit block key per response, sent as a JWK encrypted to the client's RSA key,
 * and each value encrypted under the block key. Runtime-neutral: jose + WebCrypto only.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, importJWK } from 'jose';
import type { CryptoKey, KeyObject } from 'jose';
import { ALGORITHMS } from './wire.js';
import { base64url } from './pkce.js';

type EncryptionKey = CryptoKey | KeyObject | Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface EncryptedUserinfo {
  key: string;
  data: Record<string, string>;
}

/**
 * Encrypts `values` (scope → string) for a client: one public-key operation for the block key,
 * then one AES key-wrap + AES-GCM per value.
 */
export async function encryptUserinfo(
  values: Readonly<Record<string, string>>,
  clientPublicKey: CryptoKey | KeyObject,
): Promise<EncryptedUserinfo> {
  const blockKey = crypto.getRandomValues(new Uint8Array(16));
  const jwk = JSON.stringify({ kty: 'oct', alg: ALGORITHMS.dataEnc, k: base64url(blockKey) });
  const key = await new CompactEncrypt(encoder.encode(jwk))
    .setProtectedHeader({ alg: ALGORITHMS.keyAlg, enc: ALGORITHMS.keyEnc })
    .encrypt(clientPublicKey);
  const data: Record<string, string> = {};
  await Promise.all(
    Object.entries(values).map(async ([scope, value]) => {
      data[scope] = await new CompactEncrypt(encoder.encode(value))
        .setProtectedHeader({ alg: ALGORITHMS.dataAlg, enc: ALGORITHMS.dataEnc })
        .encrypt(blockKey);
    }),
  );
  return { key, data };
}

/**
 * Decrypts a userinfo response's `key` and `data`. `privateKeyFor(alg)` returns the client's
 * private key imported for the JWE's `alg` (a WebCrypto key is bound to one OAEP hash).
 */
export async function decryptUserinfo(
  encrypted: EncryptedUserinfo,
  privateKeyFor: (alg: string) => Promise<EncryptionKey> | EncryptionKey,
): Promise<Record<string, string>> {
  const { alg } = decodeProtectedHeader(encrypted.key);
  if (typeof alg !== 'string') throw new TypeError('block key JWE has no alg');
  const { plaintext } = await compactDecrypt(encrypted.key, await privateKeyFor(alg));
  const blockKey = (await importJWK(JSON.parse(decoder.decode(plaintext)))) as EncryptionKey;
  const out: Record<string, string> = {};
  await Promise.all(
    Object.entries(encrypted.data).map(async ([scope, jwe]) => {
      out[scope] = decoder.decode((await compactDecrypt(jwe, blockKey)).plaintext);
    }),
  );
  return out;
}
