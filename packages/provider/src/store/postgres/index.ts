/**
 * Durable records (clients, signing keys, personas, settings) in PostgreSQL, for running
 * several provider processes against one database. Short-lived records live in Redis
 * (see ../redis and ../scaled.ts).
 *
 * Each record is kept whole as JSONB beside its key; the database only ever looks records up
 * by key, so there is nothing to gain from a column per field, and a new optional field needs
 * no migration.
 */
import pg from 'pg';
import type { QueryResultRow } from 'pg';
import type { ClientRecord, DurableStore, PersonaRecord, SigningKeyRecord, SingpassClientRecord } from '../types.js';
import { mapPostgresError } from './errors.js';
import { migrate, quoteIdent } from './migrations.js';

export { isPostgresConnectionError } from './errors.js';
export { MIGRATIONS } from './migrations.js';

export interface PostgresDurableOptions {
  /** Schema that holds the provider's tables; created when missing. Default `sgid`. */
  schema?: string;
  /** Most connections this process opens. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before failing with StoreUnavailableError. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long to wait for an answer before failing with StoreUnavailableError. Default 5000 ms. */
  queryTimeoutMs?: number;
}

/** The durable half of a scaled store, usable on its own. */
export interface PostgresDurableStore extends DurableStore {
  /** `postgres://host:port/database#schema`, without credentials. */
  readonly description: string;
  /** The migration version the schema is at. */
  readonly schemaVersion: number;
  /** Throws StoreUnavailableError when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_SCHEMA = 'sgid';

/** `postgres://user:secret@host:5432/db` → `postgres://host:5432/db`: safe for logs. */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable url)';
  }
}

/**
 * Connects to PostgreSQL, brings the schema up to date (see migrations.ts) and returns the
 * store. Rejects with StoreUnavailableError when the database cannot be reached.
 */
export async function openPostgresDurable(
  databaseUrl: string,
  opts: PostgresDurableOptions = {},
): Promise<PostgresDurableStore> {
  const schema = opts.schema ?? DEFAULT_SCHEMA;
  const description = `${redactPostgresUrl(databaseUrl)}#${schema}`;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000,
    query_timeout: opts.queryTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'sgid-provider',
  });
  // An idle connection that dies (server restart, network) is reported here; the pool drops it
  // and opens a fresh one on the next query. Without a listener the process would crash.
  pool.on('error', () => undefined);

  let schemaVersion: number;
  try {
    const client = await pool.connect();
    // A transient 'error' on a checked-out client is delivered to the query in flight as well.
    const swallow = (): void => undefined;
    client.on('error', swallow);
    try {
      schemaVersion = await migrate(client, schema);
      client.removeListener('error', swallow);
      client.release();
    } catch (err) {
      client.removeListener('error', swallow);
      client.release(err instanceof Error ? err : true);
      throw err;
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    return mapPostgresError(err, description);
  }
  return new PostgresDurable(pool, schema, description, schemaVersion);
}

interface RecordRow extends QueryResultRow {
  record: unknown;
}

class PostgresDurable implements PostgresDurableStore {
  readonly #pool: pg.Pool;
  readonly #clients: string;
  readonly #singpassClients: string;
  readonly #keys: string;
  readonly #personas: string;
  readonly #settings: string;
  #closed?: Promise<void>;

  constructor(
    pool: pg.Pool,
    schema: string,
    readonly description: string,
    readonly schemaVersion: number,
  ) {
    this.#pool = pool;
    const s = quoteIdent(schema);
    this.#clients = `${s}.clients`;
    this.#singpassClients = `${s}.singpass_clients`;
    this.#keys = `${s}.signing_keys`;
    this.#personas = `${s}.personas`;
    this.#settings = `${s}.settings`;
  }

  async #query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.#pool.query<R>(text, values);
    } catch (err) {
      return mapPostgresError(err, this.description);
    }
  }

  async #records<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const result = await this.#query<RecordRow>(text, values);
    return result.rows.map((row) => row.record as T);
  }

  async getClient(id: string): Promise<ClientRecord | undefined> {
    const rows = await this.#records<ClientRecord>(`SELECT record FROM ${this.#clients} WHERE id = $1`, [id]);
    return rows[0];
  }

  listClients(): Promise<ClientRecord[]> {
    return this.#records<ClientRecord>(`SELECT record FROM ${this.#clients} ORDER BY created_at, id`);
  }

  async putClient(client: ClientRecord): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#clients} (id, record, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, created_at = EXCLUDED.created_at`,
      [client.id, JSON.stringify(client), client.createdAt],
    );
  }

  async deleteClient(id: string): Promise<boolean> {
    const result = await this.#query(`DELETE FROM ${this.#clients} WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async getSingpassClient(id: string): Promise<SingpassClientRecord | undefined> {
    const rows = await this.#records<SingpassClientRecord>(`SELECT record FROM ${this.#singpassClients} WHERE id = $1`, [id]);
    return rows[0];
  }

  listSingpassClients(): Promise<SingpassClientRecord[]> {
    return this.#records<SingpassClientRecord>(`SELECT record FROM ${this.#singpassClients} ORDER BY created_at, id`);
  }

  async putSingpassClient(client: SingpassClientRecord): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#singpassClients} (id, record, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, created_at = EXCLUDED.created_at`,
      [client.id, JSON.stringify(client), client.createdAt],
    );
  }

  async deleteSingpassClient(id: string): Promise<boolean> {
    const result = await this.#query(`DELETE FROM ${this.#singpassClients} WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  listKeys(): Promise<SigningKeyRecord[]> {
    return this.#records<SigningKeyRecord>(`SELECT record FROM ${this.#keys} ORDER BY created_at, kid`);
  }

  async putKey(key: SigningKeyRecord): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#keys} (kid, record, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (kid) DO UPDATE SET record = EXCLUDED.record, created_at = EXCLUDED.created_at`,
      [key.kid, JSON.stringify(key), key.createdAt],
    );
  }

  async deleteKey(kid: string): Promise<boolean> {
    const result = await this.#query(`DELETE FROM ${this.#keys} WHERE kid = $1`, [kid]);
    return (result.rowCount ?? 0) > 0;
  }

  listPersonas(): Promise<PersonaRecord[]> {
    return this.#records<PersonaRecord>(`SELECT record FROM ${this.#personas} ORDER BY created_at, id`);
  }

  async putPersona(persona: PersonaRecord): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#personas} (id, record, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, created_at = EXCLUDED.created_at`,
      [persona.id, JSON.stringify(persona), persona.createdAt],
    );
  }

  async deletePersona(id: string): Promise<boolean> {
    const result = await this.#query(`DELETE FROM ${this.#personas} WHERE id = $1`, [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async getSetting(name: string): Promise<string | undefined> {
    const result = await this.#query<{ value: string }>(`SELECT value FROM ${this.#settings} WHERE name = $1`, [name]);
    return result.rows[0]?.value;
  }

  async initSetting(name: string, value: string): Promise<string> {
    // Two statements on purpose: under READ COMMITTED a SELECT in the same statement as the
    // INSERT would use a snapshot taken before a concurrent winner committed, and miss it.
    await this.#query(`INSERT INTO ${this.#settings} (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [
      name,
      value,
    ]);
    const now = await this.getSetting(name);
    if (now === undefined) throw new Error(`setting ${name} vanished while being initialised`);
    return now;
  }

  async ping(): Promise<void> {
    await this.#query('SELECT 1');
  }

  close(): Promise<void> {
    this.#closed ??= this.#pool.end();
    return this.#closed;
  }
}
