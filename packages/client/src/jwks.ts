/**
 * The provider's signing keys, fetched from its JWKS and cached. A token signed with a key we do
 * not know (key rotation) makes us refetch, at most once a minute (openid-client's rule), so a
 * flood of forged `kid`s cannot turn into a flood of requests.
 */
import { importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { CryptoBackend, Rs256PublicKey } from './crypto/backend.js';
import { SgidIdTokenError } from './errors.js';
import { requestJson, type HttpOptions } from './http.js';

/** Minimum milliseconds between two JWKS fetches triggered by an unknown `kid`. */
export const JWKS_REFETCH_INTERVAL_MS = 60_000;

/** A provider signing key, imported for the fast path and (on demand) for jose. */
export interface VerificationKey {
  /** The crypto backend's key; undefined when the backend did not take this JWK (jose decides). */
  fast: Rs256PublicKey | undefined;
  /** The same key imported by jose (the reference path: unusual tokens, failed fast checks). */
  jose(): Promise<CryptoKey>;
}

async function importVerificationKey(jwk: JWK, backend: CryptoBackend): Promise<VerificationKey> {
  let joseKey: Promise<CryptoKey> | undefined;
  const jose = () => (joseKey ??= importJWK(jwk, 'RS256') as Promise<CryptoKey>);
  let fast: Rs256PublicKey | undefined;
  // The fast path takes plain public RSA JWKs; anything else (key_ops, a private part…) is left
  // to jose, which applies WebCrypto's JWK import rules. RSA keys under 2048 bits too (jose
  // refuses them for RS256).
  if (typeof jwk.n === 'string' && typeof jwk.e === 'string' && jwk.d === undefined && jwk.key_ops === undefined && jwk.ext !== false) {
    try {
      const key = await backend.importRsaPublicJwk(jwk.n, jwk.e);
      if (key.modulusLength >= 2048) fast = key;
    } catch {
      // jose decides below
    }
  }
  if (!fast) await jose(); // ERR_JWKS_INVALID when jose cannot import it either
  return { fast, jose };
}

export class JwksCache {
  readonly #uri: string;
  readonly #http: HttpOptions;
  readonly #backend: CryptoBackend;
  #keys: JWK[] | undefined;
  #fetchedAt = -Infinity;
  #inFlight: Promise<JWK[]> | undefined;
  readonly #imported = new WeakMap<JWK, Promise<VerificationKey>>();
  /** The imports that have completed, for {@link peek}. */
  readonly #ready = new WeakMap<JWK, VerificationKey>();
  /** Clock, replaceable in tests. */
  now: () => number = () => Date.now();

  constructor(uri: string, http: HttpOptions, backend: CryptoBackend) {
    this.#uri = uri;
    this.#http = http;
    this.#backend = backend;
  }

  /** How many times the JWKS has been fetched (for tests and diagnostics). */
  fetchCount = 0;

  async #fetch(): Promise<JWK[]> {
    if (!this.#inFlight) {
      this.#inFlight = (async () => {
        try {
          const body = (await requestJson(this.#http, 'jwks', this.#uri, {
            headers: { accept: 'application/json, application/jwk-set+json' },
          })) as { keys?: unknown };
          if (!Array.isArray(body.keys) || body.keys.some((k) => !k || typeof k !== 'object')) {
            throw new SgidIdTokenError('ERR_JWKS_INVALID', `the provider's JWKS (${this.#uri}) has no "keys" array`, 'Check that hostname is the sgID provider origin.');
          }
          this.fetchCount++;
          this.#fetchedAt = this.now();
          this.#keys = body.keys as JWK[];
          return this.#keys;
        } finally {
          this.#inFlight = undefined;
        }
      })();
    }
    return this.#inFlight;
  }

  #matches(k: JWK, kid: string | undefined): boolean {
    return k.kty === 'RSA' && (k.use === undefined || k.use === 'sig') && (k.alg === undefined || k.alg === 'RS256') && (kid === undefined || k.kid === kid);
  }

  #match(keys: JWK[], kid: string | undefined): JWK[] {
    return keys.filter((k) => this.#matches(k, kid));
  }

  /**
   * The key {@link getKey} would return for `kid`, when it is known and already imported;
   * undefined otherwise (then call getKey, which fetches, imports or throws). Lets a login
   * verify its ID token without an await.
   */
  peek(kid: string | undefined): VerificationKey | undefined {
    const keys = this.#keys;
    if (!keys) return undefined;
    let found: JWK | undefined;
    for (const k of keys) {
      if (!this.#matches(k, kid)) continue;
      if (found) {
        if (kid === undefined) return undefined; // ambiguous: getKey reports it
        break;
      }
      found = k;
    }
    return found && this.#ready.get(found);
  }

  /**
   * The RS256 verification key for a token header's `kid` (any single RSA signing key when the
   * header has no `kid`).
   */
  async getKey(kid: string | undefined): Promise<VerificationKey> {
    let keys = this.#keys ?? (await this.#fetch());
    let matches = this.#match(keys, kid);
    if (matches.length === 0 && this.now() - this.#fetchedAt >= JWKS_REFETCH_INTERVAL_MS) {
      keys = await this.#fetch();
      matches = this.#match(keys, kid);
    }
    if (matches.length === 0) {
      throw new SgidIdTokenError(
        'ERR_JWKS_NO_MATCHING_KEY',
        `no valid key found in issuer's jwks_uri for key parameters ${JSON.stringify({ kid, kty: 'RSA', alg: 'RS256' })}`,
        'The ID token was signed with a key the provider does not publish: check hostname (a token from another provider?) or wait a minute after a key rotation.',
      );
    }
    if (matches.length > 1 && kid === undefined) {
      throw new SgidIdTokenError(
        'ERR_JWKS_NO_MATCHING_KEY',
        `multiple matching keys found in issuer's jwks_uri for key parameters ${JSON.stringify({ kty: 'RSA', alg: 'RS256' })}, kid must be provided in this case`,
        'The provider publishes several signing keys but its ID token has no "kid" header: the provider must set one.',
      );
    }
    const jwk = matches[0]!;
    let key = this.#imported.get(jwk);
    if (!key) {
      key = importVerificationKey(jwk, this.#backend);
      this.#imported.set(jwk, key);
      key.then(
        (k) => this.#ready.set(jwk, k),
        () => {},
      );
    }
    try {
      return await key;
    } catch (cause) {
      throw new SgidIdTokenError('ERR_JWKS_INVALID', `the provider's JWKS key ${JSON.stringify(jwk.kid)} could not be imported`, 'Check that hostname is the sgID provider origin.', { cause });
    }
  }
}
