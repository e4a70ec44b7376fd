/**
 * The client's RSA private key, imported once per client instance:
 *  - for the fast path (./decrypt.ts), once, by the crypto backend (Node's `crypto` module or
 *    WebCrypto, ./crypto/platform.ts), usable with every RSA-OAEP hash;
 *  - for the jose fallback path, once per JWE algorithm: a WebCrypto RSA-OAEP key is bound to
 *    one hash, and the providers differ (ours RSA-OAEP-256, MockPass RSA-OAEP with SHA-1).
 */
import { importPKCS8 } from 'jose';
import type { CryptoKey } from 'jose';
import type { CryptoBackend, RsaOaepPrivateKey } from './crypto/backend.js';
import { MESSAGES, SgidConfigError, SgidUserinfoError } from './errors.js';

/** The key-management algorithms accepted for the block key (`key` of the userinfo response). */
export const BLOCK_KEY_ALGORITHMS = ['RSA-OAEP-256', 'RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const;

const PKCS8_HEADER = '-----BEGIN PRIVATE KEY-----';

/** The DER of a PKCS#8 PEM, read as jose's importPKCS8 reads it. */
function pkcs8Der(pem: string): Uint8Array {
  if (pem.indexOf(PKCS8_HEADER) !== 0) throw new TypeError('not a PKCS#8 PEM');
  const bin = atob(pem.replace(/-----(?:BEGIN|END) PRIVATE KEY-----|\s/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class PrivateKeyCache {
  readonly #pem: string;
  readonly #backend: CryptoBackend;
  readonly #byAlg = new Map<string, Promise<CryptoKey>>();
  #fast: Promise<RsaOaepPrivateKey | undefined> | undefined;
  #fastKey: RsaOaepPrivateKey | undefined;

  constructor(pkcs8Pem: string, backend: CryptoBackend) {
    this.#pem = pkcs8Pem;
    this.#backend = backend;
  }

  /** The crypto backend this key is imported by (the client's). */
  get backend(): CryptoBackend {
    return this.#backend;
  }

  /**
   * The key imported by the crypto backend, or undefined when the backend cannot import it (the
   * jose path then reports why). RSA keys under 2048 bits are left to jose too, which refuses them.
   */
  fast(): Promise<RsaOaepPrivateKey | undefined> {
    return (this.#fast ??= (async () => {
      try {
        const key = await this.#backend.importRsaPrivateKey(pkcs8Der(this.#pem));
        if (key.modulusLength < 2048) return undefined;
        this.#fastKey = key;
        return key;
      } catch {
        return undefined;
      }
    })());
  }

  /** The key {@link fast} resolved to, once it has (so later calls need not await). */
  get fastKey(): RsaOaepPrivateKey | undefined {
    return this.#fastKey;
  }

  /** The private key imported by jose for `alg` (one of {@link BLOCK_KEY_ALGORITHMS}). */
  get(alg: string): Promise<CryptoKey> {
    let key = this.#byAlg.get(alg);
    if (!key) {
      if (!(BLOCK_KEY_ALGORITHMS as readonly string[]).includes(alg)) {
        return Promise.reject(
          new SgidUserinfoError(
            'ERR_DECRYPT_BLOCK_KEY',
            MESSAGES.DECRYPT_BLOCK_KEY,
            `The block key is encrypted with "${alg}"; sgID uses RSA-OAEP-256 (MockPass: RSA-OAEP). Check hostname.`,
          ),
        );
      }
      key = importPKCS8(this.#pem, alg).catch((cause: unknown) => {
        throw new SgidConfigError(
          'ERR_PRIVATE_KEY_IMPORT',
          MESSAGES.PRIVATE_KEY_IMPORT,
          'privateKey must be the RSA private key PEM from your client credentials (PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY").',
          { cause },
        );
      });
      this.#byAlg.set(alg, key);
    }
    return key;
  }
}
