/** Opens the store the config asks for: SQLite by default, PostgreSQL + Redis when both URLs are set. */
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './types.js';

export async function openStore(config: Pick<Config, 'data' | 'databaseUrl' | 'redisUrl'>): Promise<Store> {
  if (config.databaseUrl && config.redisUrl) {
    const { openScaledStore } = await import('./scaled.js');
    return openScaledStore({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl });
  }
  return openSqliteStore(config.data === ':memory:' ? ':memory:' : resolve(config.data));
}

export type { Store } from './types.js';
