/** Everything a request handler needs, built once at start. */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { InspectorRecorder } from './inspector/recorder.js';
import type { KeyRing } from './keys/key-ring.js';
import type { ClientRecord, Store } from './store/types.js';
import type { PersonaDirectory } from './wallet/directory.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProviderContext {
  readonly config: Config;
  /** The time, in ms since the epoch (the system clock, unless a test gives its own). */
  readonly now: Clock;
  readonly store: Store;
  readonly keys: KeyRing;
  readonly personas: PersonaDirectory;
  /** Secret of the pairwise-sub HMAC, created once per store. */
  readonly pairwiseSecret: string;
  readonly clientKeys: ClientKeyCache;
  readonly metrics: Metrics;
  /** The login inspector's recorder (step records, written in batches). */
  readonly inspector: InspectorRecorder;
}

/** Counters for /metrics (Prometheus text format). */
export interface Metrics {
  loginsStarted: number;
  loginsCompleted: number;
  errors: Map<string, number>;
  /** route → [count, total seconds, buckets] */
  latency: Map<string, { count: number; sum: number; buckets: number[] }>;
}

/**
 * Clients' public keys, imported once per key (the PEM is part of the cache key). Node
 * KeyObjects, for the wallet's synchronous node:crypto encryption (wallet/encrypt.ts): WebCrypto
 * on Node costs ~60-70 µs per call in overhead. A PEM that does not parse throws here and is
 * not cached.
 */
export class ClientKeyCache {
  private readonly cache = new Map<string, { pem: string; key: KeyObject; thumbprint?: string }>();

  #entry(client: ClientRecord): { pem: string; key: KeyObject; thumbprint?: string } {
    const hit = this.cache.get(client.id);
    if (hit && hit.pem === client.publicKey) return hit;
    if (this.cache.size > 10_000) this.cache.clear();
    const entry = { pem: client.publicKey, key: createPublicKey(client.publicKey) };
    this.cache.set(client.id, entry);
    return entry;
  }

  get(client: ClientRecord): KeyObject {
    return this.#entry(client).key;
  }

  /**
   * The RFC 7638 JWK thumbprint (SHA-256) of the client's public key, computed once per key: the
   * login inspector names the key data was encrypted to by it (jose's calculateJwkThumbprint
   * gives the same from the client's private key).
   */
  thumbprint(client: ClientRecord): string {
    const entry = this.#entry(client);
    if (entry.thumbprint === undefined) {
      const { e, n } = entry.key.export({ format: 'jwk' });
      entry.thumbprint = createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
    }
    return entry.thumbprint;
  }
}
