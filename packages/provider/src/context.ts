/** Everything a request handler needs, built once at start. */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
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
  private readonly cache = new Map<string, { pem: string; key: KeyObject }>();

  get(client: ClientRecord): KeyObject {
    const hit = this.cache.get(client.id);
    if (hit && hit.pem === client.publicKey) return hit.key;
    if (this.cache.size > 10_000) this.cache.clear();
    const key = createPublicKey(client.publicKey);
    this.cache.set(client.id, { pem: client.publicKey, key });
    return key;
  }
}
