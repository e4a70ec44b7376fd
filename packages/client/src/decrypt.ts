/**
 * Decrypts a userinfo response (SPEC.md, "End-to-end encryption"): the block key JWE to our RSA
 * key, then each value under the block key. Accepts what our provider sends (RSA-OAEP-256 +
 * A256GCM, values A128GCMKW + A128GCM) and what MockPass sends (RSA-OAEP + A128CBC-HS256,
 * values dir + A256GCM). The block key is imported once per response, not once per value.
 */
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import type { CompactJWEHeaderParameters, CryptoKey } from 'jose';
import { MESSAGES, SgidError, SgidUserinfoError } from './errors.js';
import { BLOCK_KEY_ALGORITHMS, type PrivateKeyCache } from './keys.js';

const CONTENT_ENCRYPTION = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
const VALUE_KEY_MANAGEMENT = ['A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'dir', 'A128KW', 'A192KW', 'A256KW'];
const decoder = new TextDecoder();

function base64urlToBytes(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const blockKeyError = (hint: string, cause?: unknown) => new SgidUserinfoError('ERR_DECRYPT_BLOCK_KEY', MESSAGES.DECRYPT_BLOCK_KEY, hint, { cause });

/** Decrypts the block key JWE and returns the key's raw bytes. */
async function decryptBlockKey(key: string, privateKeys: PrivateKeyCache): Promise<Uint8Array> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(key).alg;
  } catch (cause) {
    throw blockKeyError('The userinfo "key" is not a compact JWE: check hostname.', cause);
  }
  if (typeof alg !== 'string' || !(BLOCK_KEY_ALGORITHMS as readonly string[]).includes(alg)) {
    throw blockKeyError(`The block key is encrypted with "${String(alg)}"; sgID uses RSA-OAEP-256 (MockPass: RSA-OAEP).`);
  }
  const privateKey = await privateKeys.get(alg); // ERR_PRIVATE_KEY_IMPORT, as the official SDK
  try {
    const { plaintext } = await compactDecrypt(key, privateKey, {
      keyManagementAlgorithms: [alg],
      contentEncryptionAlgorithms: CONTENT_ENCRYPTION,
    });
    const jwk = JSON.parse(decoder.decode(plaintext)) as { kty?: unknown; k?: unknown };
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string') throw new TypeError('the block key is not an "oct" JWK');
    return base64urlToBytes(jwk.k);
  } catch (cause) {
    throw blockKeyError('Check that privateKey is the private key of this client (the one whose public key the provider holds).', cause);
  }
}

/**
 * Decrypts `data` (scope → compact JWE) with the block key in `key`.
 * @throws {SgidUserinfoError} `ERR_DECRYPT_BLOCK_KEY` or `ERR_DECRYPT_PAYLOAD`.
 * @throws {SgidConfigError} `ERR_PRIVATE_KEY_IMPORT` when the private key cannot be imported.
 */
export async function decryptUserinfoData(
  key: string,
  data: Record<string, unknown>,
  privateKeys: PrivateKeyCache,
): Promise<Record<string, string>> {
  const raw = await decryptBlockKey(key, privateKeys);
  // AES-GCM key wrapping and direct AES-GCM both take the block key as an AES-GCM key: import it
  // once for all values. Other combinations get the raw bytes and jose imports what they need.
  let aesGcmKey: Promise<CryptoKey> | undefined;
  const keyFor = (header: CompactJWEHeaderParameters): Promise<CryptoKey> | Uint8Array => {
    const gcmKw = /^A(128|192|256)GCMKW$/.exec(header.alg);
    const dirGcm = header.alg === 'dir' ? /^A(128|192|256)GCM$/.exec(header.enc) : null;
    const bits = Number((gcmKw ?? dirGcm)?.[1]);
    if (bits && bits === raw.length * 8) {
      aesGcmKey ??= crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt', 'decrypt']);
      return aesGcmKey;
    }
    return raw;
  };
  const out: Record<string, string> = {};
  const entries = Object.entries(data);
  try {
    const values = await Promise.all(
      entries.map(async ([, jwe]) => {
        if (typeof jwe !== 'string') throw new TypeError('a data value is not a string');
        const { plaintext } = await compactDecrypt(jwe, keyFor, {
          keyManagementAlgorithms: VALUE_KEY_MANAGEMENT,
          contentEncryptionAlgorithms: CONTENT_ENCRYPTION,
        });
        return decoder.decode(plaintext);
      }),
    );
    for (let i = 0; i < entries.length; i++) out[entries[i]![0]] = values[i]!;
  } catch (cause) {
    if (cause instanceof SgidError) throw cause;
    throw new SgidUserinfoError(
      'ERR_DECRYPT_PAYLOAD',
      MESSAGES.DECRYPT_PAYLOAD,
      'A data value could not be decrypted with the block key: the response was altered or the provider uses an unsupported algorithm.',
      { cause },
    );
  }
  return out;
}
