/**
 * Singpass's signing keys (SINGPASS.md §1b "Singpass keys"): fetched from its `jwks_uri`, cached
 * for an hour, looked up by `kid`. A token signed with a `kid` we do not know (a key rotation)
 * makes us fetch again — such refetches at most once a minute, so a flood of forged `kid`s cannot
 * become a flood of requests — and no key is ever pinned.
 */
import { cryptoBackend } from './crypto/platform.js';
import { SIGNING_ALG_OF, isCurve, type CryptoBackend, type EcJwk, type JwsVerifier, type SigningAlg } from './crypto/backend.js';
import { SingpassError, SingpassResponseError } from './errors.js';
import { responseError, transportFetch, withRetries, type Transport } from './http.js';

/** How long a fetched JWKS is used before it is fetched again. */
export const JWKS_MAX_AGE_MS = 3_600_000;
/** Minimum time between two refetches caused by an unknown `kid`. */
export const JWKS_REFETCH_INTERVAL_MS = 60_000;

/** Why a key could not be found; the caller turns it into its own error type. */
export class KeyNotFound extends Error {
  constructor(
    message: string,
    readonly reason: 'no-match' | 'ambiguous',
  ) {
    super(message);
  }
}

interface Entry {
  jwk: EcJwk;
  verifier?: JwsVerifier | Promise<JwsVerifier>;
}

export class ProviderKeys {
  readonly #uri: string;
  readonly #transport: Transport;
  #entries: Entry[] | undefined;
  #fetchedAt = -Infinity;
  #refetchedAt = -Infinity;
  #inFlight: Promise<Entry[]> | undefined;
  /** How many times the JWKS has been fetched (tests, diagnostics). */
  fetchCount = 0;
  /** Clock, replaceable in tests. */
  now: () => number = () => Date.now();

  readonly #backend: CryptoBackend;

  constructor(uri: string, transport: Transport, backend: CryptoBackend = cryptoBackend()) {
    this.#uri = uri;
    this.#transport = transport;
    this.#backend = backend;
  }

  async #fetch(): Promise<Entry[]> {
    return (this.#inFlight ??= (async () => {
      try {
        const fetchJwks = transportFetch(this.#transport, 'jwks');
        const body = await withRetries(this.#transport, async () => {
          try {
            const response = await fetchJwks(this.#uri, { headers: { accept: 'application/json, application/jwk-set+json' }, redirect: 'manual' });
            if (response.status !== 200) {
              await response.body?.cancel();
              throw new SingpassResponseError('ERR_UNEXPECTED_RESPONSE', `jwks: unexpected HTTP status ${response.status} (${this.#uri})`, 'Check the jwks_uri in Singpass’s discovery document.', {
                status: response.status,
                endpoint: 'jwks',
              });
            }
            return (await response.json()) as unknown;
          } catch (err) {
            throw await responseError(err, 'jwks');
          }
        });
        const keys = (body as { keys?: unknown } | null)?.keys;
        if (!Array.isArray(keys)) {
          throw new SingpassResponseError('ERR_JWKS_INVALID', `Singpass's JWKS (${this.#uri}) has no "keys" array`, 'Check the issuer URL.', { endpoint: 'jwks' });
        }
        this.fetchCount++;
        this.#fetchedAt = this.now();
        this.#entries = keys.filter((k): k is EcJwk => !!k && typeof k === 'object').map((jwk) => ({ jwk }));
        return this.#entries;
      } finally {
        this.#inFlight = undefined;
      }
    })());
  }

  #match(entries: Entry[], kid: string | undefined, alg: SigningAlg): Entry[] {
    return entries.filter(
      ({ jwk }) =>
        jwk.kty === 'EC' &&
        isCurve(jwk.crv) &&
        SIGNING_ALG_OF[jwk.crv] === alg &&
        (jwk.use === undefined || jwk.use === 'sig') &&
        (jwk.alg === undefined || jwk.alg === alg) &&
        (kid === undefined || jwk.kid === kid),
    );
  }

  /**
   * The verifier for a JWS header's `kid` and `alg` (any single matching key when there is no
   * `kid`). Fetches the JWKS when it is older than an hour, and once more when no key matches
   * (unless an unknown `kid` already caused a refetch in the last minute).
   * @throws {KeyNotFound} when no key, or more than one without a `kid`, matches.
   * @throws {SingpassError} when the JWKS cannot be fetched or a key cannot be imported.
   */
  async verifier(kid: string | undefined, alg: SigningAlg): Promise<JwsVerifier> {
    let entries = this.#entries && this.now() - this.#fetchedAt < JWKS_MAX_AGE_MS ? this.#entries : await this.#fetch();
    let matches = this.#match(entries, kid, alg);
    if (matches.length === 0 && this.now() - this.#refetchedAt >= JWKS_REFETCH_INTERVAL_MS) {
      this.#refetchedAt = this.now();
      entries = await this.#fetch();
      matches = this.#match(entries, kid, alg);
    }
    if (matches.length === 0) throw new KeyNotFound(`Singpass's JWKS (${this.#uri}) has no ${alg} signing key with kid ${JSON.stringify(kid)}`, 'no-match');
    if (matches.length > 1 && kid === undefined) throw new KeyNotFound(`Singpass's JWKS has several ${alg} signing keys and the token names none (no "kid")`, 'ambiguous');
    const entry = matches[0]!;
    try {
      return await (entry.verifier ??= this.#backend.verifier(entry.jwk, alg));
    } catch (cause) {
      entry.verifier = undefined;
      if (cause instanceof SingpassError) throw cause;
      throw new SingpassResponseError('ERR_JWKS_INVALID', `Singpass's JWKS key ${JSON.stringify(entry.jwk.kid)} is not a valid ${alg} public key`, 'Check the issuer URL.', {
        endpoint: 'jwks',
        cause,
      });
    }
  }
}
