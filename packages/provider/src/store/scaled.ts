/**
 * The scale-out store: durable records in PostgreSQL, short-lived ones in Redis. The
 * provider processes keep no state of their own, so any number of them can serve one login
 * between them.
 */
import { openPostgresDurable } from './postgres/index.js';
import type { PostgresDurableOptions, PostgresDurableStore } from './postgres/index.js';
import { openRedisEphemeral } from './redis/index.js';
import type { RedisEphemeralOptions, RedisEphemeralStore } from './redis/index.js';
import type {
  ClientRecord,
  EphemeralKind,
  PersonaRecord,
  SigningKeyRecord,
  Store,
} from './types.js';

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
    throw durable.status === 'rejected' ? durable.reason : (ephemeral as PromiseRejectedResult).reason;
  }
  return new ScaledStore(durable.value, ephemeral.value);
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

  /** Pings both; the first failure (a StoreUnavailableError) is thrown. */
  async ping(): Promise<void> {
    await Promise.all([this.#durable.ping(), this.#ephemeral.ping()]);
  }

  /** Nothing to do: Redis expires short-lived records itself. */
  async sweep(): Promise<void> {}

  async close(): Promise<void> {
    await Promise.all([this.#durable.close(), this.#ephemeral.close()]);
  }
}
