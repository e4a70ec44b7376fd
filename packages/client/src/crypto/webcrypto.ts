/**
 * The crypto backend on WebCrypto (`crypto.subtle`): browsers, edge runtimes, and any runtime
 * without Node's `crypto` module. Keys that serve several messages (the client's private key,
 * per OAEP hash; the provider's public keys; the block key) are imported once.
 */
import { aadLengthBlock, concat, equalBytes, type AesGcmKey, type CryptoBackend, type OaepHash } from './backend.js';

type Bytes = Uint8Array<ArrayBuffer>;
const bytes = (b: Uint8Array): Bytes => b as Bytes;

/** The modulus length of an imported RSA CryptoKey. */
const modulusLengthOf = (key: CryptoKey): number => (key.algorithm as RsaHashedKeyAlgorithm).modulusLength;

export function webCryptoBackend(subtle: SubtleCrypto = globalThis.crypto.subtle): CryptoBackend {
  const aesGcmKey = (raw: Uint8Array): AesGcmKey => {
    if (raw.length !== 16 && raw.length !== 24 && raw.length !== 32) throw new TypeError('invalid AES key length');
    let key: Promise<CryptoKey> | undefined;
    return {
      async decrypt(iv, ciphertext, tag, aad) {
        if (iv.length !== 12 || tag.length !== 16) throw new TypeError('invalid AES-GCM IV or tag length');
        key ??= subtle.importKey('raw', bytes(raw), 'AES-GCM', false, ['decrypt']);
        const params: AesGcmParams = { name: 'AES-GCM', iv: bytes(iv), tagLength: 128 };
        if (aad) params.additionalData = bytes(aad);
        return new Uint8Array(await subtle.decrypt(params, await key, concat(ciphertext, tag)));
      },
    };
  };
  return {
    name: 'webcrypto',
    async importRsaPrivateKey(pkcs8Der) {
      const der = bytes(pkcs8Der.slice());
      const byHash = new Map<OaepHash, Promise<CryptoKey>>();
      const keyFor = (hash: OaepHash) => {
        let key = byHash.get(hash);
        if (!key) {
          key = subtle.importKey('pkcs8', der, { name: 'RSA-OAEP', hash }, false, ['decrypt']);
          byHash.set(hash, key);
        }
        return key;
      };
      const first = await keyFor('SHA-256'); // fails now if the key is not an RSA key
      return {
        modulusLength: modulusLengthOf(first),
        decrypt: async (hash, ciphertext) => new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, await keyFor(hash), bytes(ciphertext))),
      };
    },
    async importRsaPublicJwk(n, e) {
      const key = await subtle.importKey('jwk', { kty: 'RSA', n, e }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      return {
        modulusLength: modulusLengthOf(key),
        verify: (signingInput, signature) => subtle.verify('RSASSA-PKCS1-v1_5', key, bytes(signature), bytes(signingInput)).catch(() => false),
      };
    },
    aesGcmKey,
    aesGcmDecrypt: (raw, iv, ciphertext, tag, aad) => aesGcmKey(raw).decrypt(iv, ciphertext, tag, aad),
    async aesCbcHmacDecrypt(cek, iv, ciphertext, tag, aad) {
      const hash = ({ 32: 'SHA-256', 48: 'SHA-384', 64: 'SHA-512' } as Record<number, string>)[cek.length];
      if (!hash) throw new TypeError('invalid AES_CBC_HMAC_SHA2 key length');
      const half = cek.length >> 1;
      if (iv.length !== 16 || tag.length !== half) throw new TypeError('invalid AES-CBC IV or tag length');
      const macKey = await subtle.importKey('raw', bytes(cek.slice(0, half)), { name: 'HMAC', hash }, false, ['sign']);
      const mac = new Uint8Array(await subtle.sign('HMAC', macKey, concat(aad, iv, ciphertext, aadLengthBlock(aad))));
      if (!equalBytes(mac.subarray(0, half), tag)) throw new TypeError('AES_CBC_HMAC_SHA2 tag mismatch');
      const encKey = await subtle.importKey('raw', bytes(cek.slice(half)), 'AES-CBC', false, ['decrypt']);
      return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: bytes(iv) }, encKey, bytes(ciphertext)));
    },
  };
}
