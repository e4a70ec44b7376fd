/** Opens the store the config asks for: SQLite by default, PostgreSQL + Redis when both URLs are set. */
import { resolve } from 'node:path';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './types.js';

/**
 * The provider's own settings carried in the service URLs, so that one string configures
 * each service (and several deployments or test runs can share one server):
 * - `postgres://…/db?schema=NAME` — the PostgreSQL schema of the tables (default `sgid`);
 * - `redis://…?prefix=NAME` — the prefix of every Redis key (default `sgid:`).
 * Both are removed from the URL before it reaches the driver (node-postgres would ignore
 * `schema`, but ioredis copies query parameters into its options).
 */
export function splitStoreUrl(url: string, param: 'schema' | 'prefix'): { url: string; value?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url };
  }
  const value = u.searchParams.get(param);
  if (value === null) return { url };
  u.searchParams.delete(param);
  return { url: u.href, ...(value !== '' ? { value } : {}) };
}

/** `now` is the clock of the SQLite store's TTLs (PostgreSQL + Redis keep the servers' time). */
export async function openStore(config: Pick<Config, 'data' | 'databaseUrl' | 'redisUrl'>, opts: { now?: Clock } = {}): Promise<Store> {
  if (config.databaseUrl && config.redisUrl) {
    const { openScaledStore } = await import('./scaled.js');
    const database = splitStoreUrl(config.databaseUrl, 'schema');
    const redis = splitStoreUrl(config.redisUrl, 'prefix');
    return openScaledStore({
      databaseUrl: database.url,
      redisUrl: redis.url,
      ...(database.value !== undefined ? { schema: database.value } : {}),
      ...(redis.value !== undefined ? { prefix: redis.value } : {}),
    });
  }
  return openSqliteStore(config.data === ':memory:' ? ':memory:' : resolve(config.data), opts);
}

export type { Store } from './types.js';
