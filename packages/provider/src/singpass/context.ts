/** What the Singpass endpoints share, built once when their routes are registered. */
import { SINGPASS_LIFETIMES } from 'sgid-protocol';
import type { SingpassLifetimes } from '../config.js';
import type { ProviderContext } from '../context.js';
import type { Mount } from './mounts.js';
import { mountsFor } from './mounts.js';
import type { ReplayCache } from './replay.js';
import { storeReplayCache } from './replay.js';
import { RpKeyStore } from './rp-keys.js';
import type { RpKeyStoreOptions } from './rp-keys.js';

export interface SingpassContext {
  readonly ctx: ProviderContext;
  readonly mounts: readonly Mount[];
  readonly rpKeys: RpKeyStore;
  readonly replay: ReplayCache;
  /** Seconds. */
  readonly lifetimes: SingpassLifetimes;
  /** Seconds since the epoch. */
  now(): number;
}

export function singpassContext(ctx: ProviderContext, rpKeyOptions: RpKeyStoreOptions = {}): SingpassContext {
  return {
    ctx,
    mounts: mountsFor(ctx.config),
    rpKeys: new RpKeyStore({ ...ctx.config.singpassJwksFetch, ...rpKeyOptions }),
    replay: storeReplayCache(ctx.store),
    lifetimes: {
      requestUri: SINGPASS_LIFETIMES.requestUri,
      code: SINGPASS_LIFETIMES.code,
      legacyCode: SINGPASS_LIFETIMES.legacyCode,
      accessToken: SINGPASS_LIFETIMES.accessToken,
      idToken: SINGPASS_LIFETIMES.idToken,
      clockSkew: 10,
      ...ctx.config.singpassLifetimes,
    },
    now: () => Math.floor(ctx.now() / 1000),
  };
}
