/**
 * "A schema newer than the provider is refused": a store written by a later version of the
 * provider (its schema version above the newest this one knows) is not opened — the process
 * exits 1 with one line naming both versions — and nothing in it is changed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { runCli, withParam } from './helpers/provider-process.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, deleteRedisPrefixes, dropSchemas, postgresUnreachable, redisUnreachable, requireService, uniqueName } from './helpers/store-services.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const dirs: string[] = [];
const schemas: string[] = [];
const prefixes: string[] = [];
after(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await dropSchemas(TEST_DATABASE_URL, schemas);
  await deleteRedisPrefixes(TEST_REDIS_URL, prefixes);
});

describe('a store newer than the provider is refused', () => {
  test('SQLite: start exits 1 naming both versions; the file is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-schema-'));
    dirs.push(dir);
    const data = join(dir, 'sgid.db');
    const created = await runCli(['clients', 'create', '--name', 'Kept', '--redirect-uri', REDIRECT, '--json', '--data', data]);
    assert.equal(created.code, 0, created.stderr);
    const db = new Database(data);
    const known = db.pragma('user_version', { simple: true }) as number;
    assert.ok(known >= 1, `schema version ${known}`);
    db.pragma(`user_version = ${known + 1}`);
    db.close();

    for (const args of [['start', '--port', '0', '--host', '127.0.0.1'], ['clients', 'list']]) {
      const r = await runCli([...args, '--data', data]);
      assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`schema version ${known + 1}, newer than this provider \\(${known}\\)`));
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    }
    const after = new Database(data, { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), known + 1, 'the version was not touched');
    assert.equal((after.prepare('SELECT count(*) AS n FROM clients').get() as { n: number }).n, 1, 'the client is still there');
    after.close();
  });

  test('PostgreSQL: start exits 1 naming both versions; no migration is applied', async (t) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const schema = uniqueName('schema_version');
    const prefix = `${uniqueName('schema_version')}:`;
    schemas.push(schema);
    prefixes.push(prefix);
    const storeArgs = ['--database-url', withParam(TEST_DATABASE_URL, 'schema', schema), '--redis-url', withParam(TEST_REDIS_URL, 'prefix', prefix)];
    const created = await runCli(['clients', 'create', '--name', 'Kept', '--redirect-uri', REDIRECT, '--json', ...storeArgs]);
    assert.equal(created.code, 0, created.stderr);

    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const table = `"${schema}".schema_migrations`;
      const known = (await client.query<{ v: number }>(`SELECT max(version) AS v FROM ${table}`)).rows[0]!.v;
      assert.ok(known >= 1);
      await client.query(`INSERT INTO ${table} (version, name) VALUES ($1, 'from a later provider')`, [known + 1]);

      for (const args of [['start', '--port', '0', '--host', '127.0.0.1'], ['clients', 'list']]) {
        const r = await runCli([...args, ...storeArgs]);
        assert.equal(r.code, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`schema ${schema} is at version ${known + 1}, newer than this provider knows \\(${known}\\)`));
        assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
      }
      const versions = (await client.query<{ version: number }>(`SELECT version FROM ${table} ORDER BY version`)).rows.map((r) => r.version);
      assert.equal(Math.max(...versions), known + 1);
      assert.equal(versions.length, known + 1, 'no migration was added');
      assert.equal((await client.query(`SELECT 1 FROM "${schema}".clients`)).rowCount, 1, 'the client is still there');
    } finally {
      await client.end();
    }
  });
});
