/**
 * The scale-out store: durable records in PostgreSQL, short-lived ones in Redis. The
 * provider processes keep no state of their own, so any number of them can serve one login
 * between them.
 */
import { openPostgresDurable, redactPostgresUrl } from './postgres/index.js';
import type { PostgresDurableOptions, PostgresDurableStore } from './postgres/index.js';
import { openRedisEphemeral, redactRedisUrl } from './redis/index.js';
import type { RedisEphemeralOptions, RedisEphemeralStore } from './redis/index.js';
import type {
  ClientRecord,
  EphemeralKind,
  ListAppend,
  PersonaRecord,
  SigningKeyRecord,
  SingpassClientRecord,
  Store,
} from './types.js';
import { StoreUnavailableError } from './types.js';

export interface ScaledStoreOptions {
  /** `postgres://…` for clients, keys, personas and settings. */
  databaseUrl: string;
  /** `redis://…` for logins in flight, codes, tokens and counters. */
  redisUrl: string;
  /** PostgreSQL schema for the provider's tables (default `sgid`). */
  schema?: string;
  /** Prefix of every Redis key (default `sgid:`). */
  prefix?: string;
  /** Finer settings of each side (timeouts, pool size). */
  postgres?: Omit<PostgresDurableOptions, 'schema'>;
  redis?: Omit<RedisEphemeralOptions, 'prefix'>;
}

/**
 * Opens both services (at once) and returns one Store. Rejects with StoreUnavailableError
 * when either cannot be reached, having closed the other.
 */
export async function openScaledStore(opts: ScaledStoreOptions): Promise<Store> {
  const [durable, ephemeral] = await Promise.allSettled([
    openPostgresDurable(opts.databaseUrl, { ...opts.postgres, ...(opts.schema === undefined ? {} : { schema: opts.schema }) }),
    openRedisEphemeral(opts.redisUrl, { ...opts.redis, ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }) }),
  ]);
  if (durable.status === 'rejected' || ephemeral.status === 'rejected') {
    if (durable.status === 'fulfilled') await durable.value.close().catch(() => undefined);
    if (ephemeral.status === 'fulfilled') await ephemeral.value.close().catch(() => undefined);
    if (durable.status === 'rejected') throw naming(durable.reason, redactPostgresUrl(opts.databaseUrl), 'PostgreSQL');
    throw naming((ephemeral as PromiseRejectedResult).reason, redactRedisUrl(opts.redisUrl), 'Redis');
  }
  return new ScaledStore(durable.value, ephemeral.value);
}

/**
 * An opening failure that is not a lost connection (wrong password, missing database, a schema
 * newer than this provider) says which service it came from, without credentials.
 */
function naming(err: unknown, where: string, service: string): unknown {
  if (err instanceof StoreUnavailableError || !(err instanceof Error) || err.message.includes(where)) return err;
  return new Error(`${service} (${where}): ${err.message}`, { cause: err });
}

class ScaledStore implements Store {
  readonly description: string;
  readonly #durable: PostgresDurableStore;
  readonly #ephemeral: RedisEphemeralStore;

  constructor(durable: PostgresDurableStore, ephemeral: RedisEphemeralStore) {
    this.#durable = durable;
    this.#ephemeral = ephemeral;
    this.description = `postgres+redis:${durable.description}+${ephemeral.description}`;
  }

  getClient(id: string): Promise<ClientRecord | undefined> {
    return this.#durable.getClient(id);
  }
  listClients(): Promise<ClientRecord[]> {
    return this.#durable.listClients();
  }
  putClient(client: ClientRecord): Promise<void> {
    return this.#durable.putClient(client);
  }
  deleteClient(id: string): Promise<boolean> {
    return this.#durable.deleteClient(id);
  }
  getSingpassClient(id: string): Promise<SingpassClientRecord | undefined> {
    return this.#durable.getSingpassClient(id);
  }
  listSingpassClients(): Promise<SingpassClientRecord[]> {
    return this.#durable.listSingpassClients();
  }
  putSingpassClient(client: SingpassClientRecord): Promise<void> {
    return this.#durable.putSingpassClient(client);
  }
  deleteSingpassClient(id: string): Promise<boolean> {
    return this.#durable.deleteSingpassClient(id);
  }
  listKeys(): Promise<SigningKeyRecord[]> {
    return this.#durable.listKeys();
  }
  putKey(key: SigningKeyRecord): Promise<void> {
    return this.#durable.putKey(key);
  }
  deleteKey(kid: string): Promise<boolean> {
    return this.#durable.deleteKey(kid);
  }
  listPersonas(): Promise<PersonaRecord[]> {
    return this.#durable.listPersonas();
  }
  putPersona(persona: PersonaRecord): Promise<void> {
    return this.#durable.putPersona(persona);
  }
  deletePersona(id: string): Promise<boolean> {
    return this.#durable.deletePersona(id);
  }
  getSetting(name: string): Promise<string | undefined> {
    return this.#durable.getSetting(name);
  }
  initSetting(name: string, value: string): Promise<string> {
    return this.#durable.initSetting(name, value);
  }

  put(kind: EphemeralKind, key: string, value: unknown, ttlMs: number): Promise<void> {
    return this.#ephemeral.put(kind, key, value, ttlMs);
  }
  get<T>(kind: EphemeralKind, key: string): Promise<T | undefined> {
    return this.#ephemeral.get<T>(kind, key);
  }
  consume<T>(kind: EphemeralKind, key: string): Promise<T | undefined> {
    return this.#ephemeral.consume<T>(kind, key);
  }
  delete(kind: EphemeralKind, key: string): Promise<void> {
    return this.#ephemeral.delete(kind, key);
  }
  increment(kind: EphemeralKind, key: string, ttlMs: number): Promise<number> {
    return this.#ephemeral.increment(kind, key, ttlMs);
  }
  appendToLists(appends: readonly ListAppend[]): Promise<void> {
    return this.#ephemeral.appendToLists(appends);
  }
  readLists<T>(kind: EphemeralKind, keys: readonly string[]): Promise<T[][]> {
    return this.#ephemeral.readLists<T>(kind, keys);
  }

  /** Pings both; when either fails, one error names every service that is away (for /readyz). */
  async ping(): Promise<void> {
    const results = await Promise.allSettled([this.#durable.ping(), this.#ephemeral.ping()]);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    if (failed.length === 1) throw failed[0];
    if (failed.length > 1) {
      const all = failed.every((e) => e instanceof StoreUnavailableError);
      const message = failed.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
      throw all ? new StoreUnavailableError(message, { cause: failed[0] }) : failed.find((e) => !(e instanceof StoreUnavailableError));
    }
  }

  /** Nothing to do: Redis expires short-lived records itself. */
  async sweep(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([this.#durable.close(), this.#ephemeral.close()]);
  }
}
