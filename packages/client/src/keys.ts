/**
 * The client's RSA private key, imported once per JWE algorithm. A WebCrypto RSA-OAEP key is
 * bound to one hash, and the providers differ: ours encrypts the block key with RSA-OAEP-256,
 * MockPass with RSA-OAEP (SHA-1). Each import happens at most once per client instance.
 */
import { importPKCS8 } from 'jose';
import type { CryptoKey } from 'jose';
import { MESSAGES, SgidConfigError, SgidUserinfoError } from './errors.js';

/** The key-management algorithms accepted for the block key (`key` of the userinfo response). */
export const BLOCK_KEY_ALGORITHMS = ['RSA-OAEP-256', 'RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const;

export class PrivateKeyCache {
  readonly #pem: string;
  readonly #byAlg = new Map<string, Promise<CryptoKey>>();

  constructor(pkcs8Pem: string) {
    this.#pem = pkcs8Pem;
  }

  /** The private key imported for `alg` (one of {@link BLOCK_KEY_ALGORITHMS}). */
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
