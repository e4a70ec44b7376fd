/**
 * The PostgreSQL schema, as an ordered list of migrations, and the runner that brings a
 * database up to date when a provider process opens it.
 *
 * Rules: a migration, once released, never changes; a new one is appended with the next
 * version number. The SQL is run with `search_path` set to the provider's schema, so it names
 * tables without a schema.
 */
import type { PoolClient } from 'pg';

export interface Migration {
  version: number;
  /** What it does, for the schema_migrations table and for people. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'durable records: clients, signing keys, personas, settings',
    sql: `
      CREATE TABLE clients (
        id         text PRIMARY KEY,
        record     jsonb NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE signing_keys (
        kid        text PRIMARY KEY,
        record     jsonb NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE personas (
        id         text PRIMARY KEY,
        record     jsonb NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE TABLE settings (
        name  text PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'Singpass relying parties',
    sql: `
      CREATE TABLE singpass_clients (
        id         text PRIMARY KEY,
        record     jsonb NOT NULL,
        created_at bigint NOT NULL
      );
    `,
  },
];

/** Quotes an SQL identifier (schema name) so that any string is safe to interpolate. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates `schema` if needed and applies the migrations it has not seen, in one transaction
 * under a transaction-scoped advisory lock: of several processes starting at once, one
 * migrates and the others wait, then find nothing left to do.
 * Returns the schema version now in place.
 */
export async function migrate(
  client: PoolClient,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const s = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sgid-provider:migrate:${schema}`]);
    // Look first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when it exists.
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`SET LOCAL search_path TO ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const result = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    let current = result.rows[0]?.version ?? 0;
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > latest) {
      throw new Error(
        `PostgreSQL schema ${schema} is at version ${current}, newer than this provider knows (${latest}): upgrade the provider`,
      );
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      current = m.version;
    }
    await client.query('COMMIT');
    return current;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
