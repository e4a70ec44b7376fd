/**
 * The crypto backend on runtimes that expose Node's `crypto` module (Node ≥ 20.16, Bun, Deno's
 * Node compatibility): its synchronous primitives, which skip WebCrypto's hop to the thread
 * pool (about 60 µs of CPU per call on Node 20). The module is obtained at run time through
 * `process.getBuiltinModule` (./platform.ts), never imported, so bundles stay runtime-neutral.
 */
import { aadLengthBlock, equalBytes, type CryptoBackend, type OaepHash } from './backend.js';

/** The part of Node's `crypto` module used here (the SDK is built without Node's types). */
export interface NodeCryptoModule {
  createPrivateKey(options: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): NodeKeyObject;
  createPublicKey(options: { key: { kty: 'RSA'; n: string; e: string }; format: 'jwk' }): NodeKeyObject;
  privateDecrypt(options: { key: NodeKeyObject; oaepHash: string; padding: number }, data: Uint8Array): Uint8Array;
  verify(algorithm: string, data: Uint8Array, key: NodeKeyObject, signature: Uint8Array): boolean;
  createDecipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array): NodeDecipher;
  createHmac(algorithm: string, key: Uint8Array): { update(data: Uint8Array): unknown; digest(): Uint8Array };
  constants: { RSA_PKCS1_OAEP_PADDING: number };
}
interface NodeKeyObject {
  asymmetricKeyType?: string;
  asymmetricKeyDetails?: { modulusLength?: number };
}
interface NodeDecipher {
  setAAD(data: Uint8Array): unknown;
  setAuthTag(tag: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

const REQUIRED = ['createPrivateKey', 'createPublicKey', 'privateDecrypt', 'verify', 'createDecipheriv', 'createHmac'] as const;

/** Whether `mod` looks like Node's `crypto` module with everything this backend calls. */
export function isNodeCryptoModule(mod: unknown): mod is NodeCryptoModule {
  if (!mod || typeof mod !== 'object') return false;
  const m = mod as Record<string, unknown>;
  return REQUIRED.every((f) => typeof m[f] === 'function') && typeof (m.constants as { RSA_PKCS1_OAEP_PADDING?: unknown } | undefined)?.RSA_PKCS1_OAEP_PADDING === 'number';
}

const OAEP: Record<OaepHash, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const GCM: Record<number, string> = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' };
const CBC_HMAC: Record<number, [cipher: string, hmac: string]> = {
  32: ['aes-128-cbc', 'sha256'],
  48: ['aes-192-cbc', 'sha384'],
  64: ['aes-256-cbc', 'sha512'],
};

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function rsaModulusLength(key: NodeKeyObject): number {
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('not an RSA key');
  return key.asymmetricKeyDetails?.modulusLength ?? 0;
}

export function nodeCryptoBackend(nc: NodeCryptoModule): CryptoBackend {
  const padding = nc.constants.RSA_PKCS1_OAEP_PADDING;
  const gcmDecrypt = (raw: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): Uint8Array => {
    const algorithm = GCM[raw.length];
    if (!algorithm) throw new TypeError('invalid AES key length');
    if (iv.length !== 12 || tag.length !== 16) throw new TypeError('invalid AES-GCM IV or tag length');
    // The tag length is checked above (passing authTagLength costs more than the check).
    const decipher = nc.createDecipheriv(algorithm, raw, iv);
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(ciphertext);
    decipher.final(); // checks the tag; GCM is a stream mode, so final() never adds bytes
    return plaintext;
  };
  return {
    name: 'node-crypto',
    importRsaPrivateKey(pkcs8Der) {
      const key = nc.createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' });
      const modulusLength = rsaModulusLength(key);
      return {
        modulusLength,
        decrypt: (hash, ciphertext) => nc.privateDecrypt({ key, oaepHash: OAEP[hash], padding }, ciphertext),
      };
    },
    importRsaPublicJwk(n, e) {
      const key = nc.createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
      const modulusLength = rsaModulusLength(key);
      return {
        modulusLength,
        verify: (signingInput, signature) => {
          try {
            return nc.verify('sha256', signingInput, key, signature);
          } catch {
            return false;
          }
        },
      };
    },
    aesGcmKey(raw) {
      if (!GCM[raw.length]) throw new TypeError('invalid AES key length');
      return { decrypt: (iv, ciphertext, tag, aad) => gcmDecrypt(raw, iv, ciphertext, tag, aad) };
    },
    aesGcmDecrypt: gcmDecrypt,
    aesCbcHmacDecrypt(cek, iv, ciphertext, tag, aad) {
      const algorithms = CBC_HMAC[cek.length];
      if (!algorithms) throw new TypeError('invalid AES_CBC_HMAC_SHA2 key length');
      const half = cek.length >> 1;
      if (iv.length !== 16 || tag.length !== half) throw new TypeError('invalid AES-CBC IV or tag length');
      const hmac = nc.createHmac(algorithms[1], cek.subarray(0, half));
      hmac.update(aad);
      hmac.update(iv);
      hmac.update(ciphertext);
      hmac.update(aadLengthBlock(aad));
      if (!equalBytes(hmac.digest().subarray(0, half), tag)) throw new TypeError('AES_CBC_HMAC_SHA2 tag mismatch');
      const decipher = nc.createDecipheriv(algorithms[0], cek.subarray(half), iv);
      return concat(decipher.update(ciphertext), decipher.final());
    },
  };
}
