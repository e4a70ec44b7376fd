/**
 * The replay cache of client assertion and DPoP proof `jti`s, in the short-lived store: Redis
 * when configured, so that an assertion replayed to another process is refused too. A `jti` is
 * remembered for as long as its proof could still be accepted.
 */
import { createHash } from 'node:crypto';
import type { EphemeralStore } from '../store/types.js';

export interface ReplayCache {
  /** True the first time `key` is seen within `ttlMs`, false every time after. Atomic across processes. */
  firstUse(key: string, ttlMs: number): Promise<boolean>;
}

/** A replay cache on the store's atomic counter (the first increment returns 1). Keys are hashed: jtis are the RP's text. */
export function storeReplayCache(store: Pick<EphemeralStore, 'increment'>): ReplayCache {
  return {
    async firstUse(key, ttlMs) {
      return (await store.increment('replay', createHash('sha256').update(key).digest('base64url'), ttlMs)) === 1;
    },
  };
}
