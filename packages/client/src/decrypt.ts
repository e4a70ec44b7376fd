/**
 * Decrypts a userinfo response (SPEC.md, "End-to-end encryption"): the block key JWE to our RSA
 * key, then each value under the block key.
 *
 * Fast path: the compact JWEs are parsed by hand (./crypto/jose-compact.ts) and decrypted with
 * the crypto backend (Node's `crypto` module where available, else WebCrypto): RSA-OAEP (any
 * hash) for the block key with AES-GCM or AES_CBC_HMAC_SHA2 content, and AES-GCM key wrapping or
 * `dir` for the values. That covers our provider (RSA-OAEP-256 + A256GCM, values A128GCMKW +
 * A128GCM) and MockPass (RSA-OAEP + A128CBC-HS256, values dir + A256GCM).
 *
 * Fallback: anything the fast path does not take, or that fails on it, goes through jose as
 * before, which decrypts it or reports the error (so errors are unchanged). A failed message
 * thus costs two attempts; a good one costs one.
 */
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import type { CompactJWEHeaderParameters, CryptoKey } from 'jose';
import { decodeBase64url } from './crypto/base64url.js';
import { GCMKW_KEY_BYTES, OAEP_HASHES, type AesGcmKey, type CryptoBackend, type MaybePromise, type RsaOaepPrivateKey } from './crypto/backend.js';
import { decoder, decryptContent, parseCompactJwe, type ParsedJwe } from './crypto/jose-compact.js';
import { MESSAGES, SgidError, SgidUserinfoError } from './errors.js';
import { BLOCK_KEY_ALGORITHMS, type PrivateKeyCache } from './keys.js';

const CONTENT_ENCRYPTION = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
const VALUE_KEY_MANAGEMENT = ['A128GCMKW', 'A192GCMKW', 'A256GCMKW', 'dir', 'A128KW', 'A192KW', 'A256KW'];

function base64urlToBytes(s: string): Uint8Array {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const blockKeyError = (hint: string, cause?: unknown) => new SgidUserinfoError('ERR_DECRYPT_BLOCK_KEY', MESSAGES.DECRYPT_BLOCK_KEY, hint, { cause });

/** The block key's raw bytes from its JWK JSON. @throws {TypeError} when it is not an "oct" JWK. */
function blockKeyFromJwk(plaintext: Uint8Array, decode: (k: string) => Uint8Array): Uint8Array {
  const jwk = JSON.parse(decoder.decode(plaintext)) as { kty?: unknown; k?: unknown };
  if (!jwk || jwk.kty !== 'oct' || typeof jwk.k !== 'string') throw new TypeError('the block key is not an "oct" JWK');
  return decode(jwk.k);
}

/**
 * The fast path for the block key: its raw bytes, or undefined when the fast path does not
 * apply or fails. Synchronous on a synchronous backend (Node's `crypto`): the whole userinfo
 * decryption then runs without an await.
 */
function fastBlockKey(backend: CryptoBackend, key: string, rsa: RsaOaepPrivateKey): MaybePromise<Uint8Array | undefined> {
  try {
    const jwe = parseCompactJwe(key);
    const hash = OAEP_HASHES.get(jwe.header.alg);
    if (!hash) return undefined;
    const cek = rsa.decrypt(hash, jwe.encryptedKey);
    if (cek instanceof Promise) return cek.then((k) => blockKeyFromCek(backend, k, jwe)).catch(() => undefined);
    return blockKeyFromCek(backend, cek, jwe);
  } catch {
    return undefined;
  }
}

/** The block key from its JWE's content key; undefined on any failure. */
function blockKeyFromCek(backend: CryptoBackend, cek: Uint8Array, jwe: ParsedJwe): MaybePromise<Uint8Array | undefined> {
  const plaintext = decryptContent(backend, jwe.header.enc, cek, jwe);
  if (plaintext instanceof Promise) return plaintext.then((p) => blockKeyFromJwk(p, decodeBase64url)).catch(() => undefined);
  return blockKeyFromJwk(plaintext, decodeBase64url);
}

/** Decrypts the block key JWE with jose and returns the key's raw bytes (the reference path). */
async function joseBlockKey(key: string, privateKeys: PrivateKeyCache): Promise<Uint8Array> {
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
    return blockKeyFromJwk(plaintext, base64urlToBytes);
  } catch (cause) {
    throw blockKeyError('Check that privateKey is the private key of this client (the one whose public key the provider holds).', cause);
  }
}

/** One value on the fast path. @throws when the fast path does not apply or fails. */
function fastValue(backend: CryptoBackend, value: unknown, blockKey: Uint8Array, blockGcm: () => AesGcmKey): MaybePromise<string> {
  const jwe = parseCompactJwe(value);
  const { alg, enc } = jwe.header;
  if (alg === 'dir') {
    if (jwe.encryptedKey.length !== 0) throw new TypeError('dir with an encrypted key');
    return finish(decryptContent(backend, enc, blockKey, jwe));
  }
  if (GCMKW_KEY_BYTES.get(alg) !== blockKey.length) throw new TypeError('not AES-GCM key wrapping with the block key');
  const { iv, tag } = jwe.header;
  if (typeof iv !== 'string' || typeof tag !== 'string') throw new TypeError('AES-GCM key wrapping without iv or tag');
  const cek = blockGcm().decrypt(decodeBase64url(iv), jwe.encryptedKey, decodeBase64url(tag));
  return cek instanceof Promise ? cek.then((k) => finish(decryptContent(backend, enc, k, jwe))) : finish(decryptContent(backend, enc, cek, jwe));
}

function finish(plaintext: MaybePromise<Uint8Array>): MaybePromise<string> {
  return plaintext instanceof Promise ? plaintext.then((p) => decoder.decode(p)) : decoder.decode(plaintext);
}

/**
 * All values on the fast path; undefined when any of them does not apply or fails. Synchronous
 * when every value decrypted synchronously.
 */
function fastValues(backend: CryptoBackend, entries: [string, unknown][], blockKey: Uint8Array): MaybePromise<string[] | undefined> {
  let gcm: AesGcmKey | undefined;
  const blockGcm = () => (gcm ??= backend.aesGcmKey(blockKey));
  const values: MaybePromise<string>[] = [];
  let pending = false;
  try {
    for (const [, jwe] of entries) {
      const v = fastValue(backend, jwe, blockKey, blockGcm);
      pending ||= v instanceof Promise;
      values.push(v);
    }
  } catch {
    // A value that failed synchronously leaves the others' promises unobserved: observe them.
    for (const v of values) if (v instanceof Promise) v.catch(() => {});
    return undefined;
  }
  return pending ? Promise.all(values).catch(() => undefined) : (values as string[]);
}

/** The values through jose (the reference path). */
async function joseValues(entries: [string, unknown][], raw: Uint8Array): Promise<string[]> {
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
  return Promise.all(
    entries.map(async ([, jwe]) => {
      if (typeof jwe !== 'string') throw new TypeError('a data value is not a string');
      const { plaintext } = await compactDecrypt(jwe, keyFor, {
        keyManagementAlgorithms: VALUE_KEY_MANAGEMENT,
        contentEncryptionAlgorithms: CONTENT_ENCRYPTION,
      });
      return decoder.decode(plaintext);
    }),
  );
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
  const backend = privateKeys.backend;
  // Awaits only where the backend answers asynchronously (WebCrypto) or on first use.
  const rsa = privateKeys.fastKey ?? (await privateKeys.fast());
  let raw = rsa ? fastBlockKey(backend, key, rsa) : undefined;
  if (raw instanceof Promise) raw = await raw;
  raw ??= await joseBlockKey(key, privateKeys);
  const entries = Object.entries(data);
  let values = fastValues(backend, entries, raw);
  if (values instanceof Promise) values = await values;
  if (!values) {
    try {
      values = await joseValues(entries, raw);
    } catch (cause) {
      if (cause instanceof SgidError) throw cause;
      throw new SgidUserinfoError(
        'ERR_DECRYPT_PAYLOAD',
        MESSAGES.DECRYPT_PAYLOAD,
        'A data value could not be decrypted with the block key: the response was altered or the provider uses an unsupported algorithm.',
        { cause },
      );
    }
  }
  const out: Record<string, string> = {};
  for (let i = 0; i < entries.length; i++) out[entries[i]![0]] = values[i]!;
  return out;
}
