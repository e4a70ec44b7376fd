/**
 * The real stores a provider runs on — an SQLite file, and PostgreSQL + Redis — for tests that
 * must hold on each (races, what is kept at rest), driven over HTTP like any other. Each open()
 * gives a fresh, empty place; cleanup() removes every file, schema and key prefix made.
 * PostgreSQL + Redis come from SGID_TEST_DATABASE_URL / SGID_TEST_REDIS_URL (see
 * store-services.ts: skipped with a reason when unreachable, a failure when CI is set).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { openScaledStore } from '../../src/store/scaled.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/types.js';
import {
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  deleteRedisPrefixes,
  dropSchemas,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  uniqueName,
} from './store-services.js';

export interface OpenedPlace {
  store: Store;
  /** Where the records are at rest, for a scan: the SQLite directory, or the schema and prefix. */
  at: { dir: string } | { schema: string; prefix: string };
}

export interface StorePlace {
  name: string;
  /** A fresh place, or undefined when the test was skipped (the service is away and CI is not set). */
  open(t: TestContext): Promise<OpenedPlace | undefined>;
}

const dirs: string[] = [];
const schemas: string[] = [];
const prefixes: string[] = [];

export const STORE_PLACES: readonly StorePlace[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'sgid-place-'));
      dirs.push(dir);
      return { store: openSqliteStore(join(dir, 'sgid.db')), at: { dir } };
    },
  },
  {
    name: 'PostgreSQL + Redis',
    async open(t) {
      if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return undefined;
      const schema = uniqueName('place');
      const prefix = `${uniqueName('place')}:`;
      schemas.push(schema);
      prefixes.push(prefix);
      return { store: await openScaledStore({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, prefix }), at: { schema, prefix } };
    },
  },
];

/** Removes what open() made (call it in an `after`). */
export async function cleanupStorePlaces(): Promise<void> {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await dropSchemas(TEST_DATABASE_URL, schemas.splice(0)).catch(() => undefined);
  await deleteRedisPrefixes(TEST_REDIS_URL, prefixes.splice(0)).catch(() => undefined);
}
