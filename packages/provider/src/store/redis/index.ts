/**
 * Short-lived records (logins in flight, codes, tokens, counters) in Redis, shared by any
 * number of provider processes. Redis expires them itself (SET … PX), GETDEL makes
 * consume-once atomic, and a small Lua script makes a counter's first increment set its TTL.
 *
 * Fail fast: while Redis is down, commands are not queued (`enableOfflineQueue: false`) but
 * rejected at once with StoreUnavailableError, and the client keeps reconnecting in the
 * background, so the store recovers by itself when Redis returns.
 */
import { Redis } from 'ioredis';
import type { EphemeralKind, EphemeralStore, ListAppend } from '../types.js';
import { StoreUnavailableError } from '../types.js';
import { isRedisConnectionError, mapRedisError } from './errors.js';

export { isRedisConnectionError } from './errors.js';

export interface RedisEphemeralOptions {
  /** Put before every key, so that several deployments (or test runs) can share one Redis. Default `sgid:`. */
  prefix?: string;
  /** How long to wait for a connection. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** How long to wait for a command's answer before failing with StoreUnavailableError. Default 3000 ms. */
  commandTimeoutMs?: number;
}

/** The short-lived half of a scaled store, usable on its own. */
export interface RedisEphemeralStore extends EphemeralStore {
  /** `redis://host:port/db prefix sgid:`, without credentials. */
  readonly description: string;
  /** Throws StoreUnavailableError when Redis cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PREFIX = 'sgid:';

/**
 * INCR, and on the first increment (or whenever the counter has no TTL) set the TTL, in one
 * atomic step: a counter can never be left without an expiry.
 */
const INCREMENT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`;

/**
 * Appends to a list, keeps its newest ARGV[2] values, and makes the list live at least ARGV[1]
 * ms more (never less than it already would), in one atomic step. Each value carries its own
 * expiry (see #listValue): reads skip the expired ones.
 */
const LIST_APPEND_SCRIPT = `
local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
local max = tonumber(ARGV[2])
if n > max then
  redis.call('LTRIM', KEYS[1], -max, -1)
end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`;

/** Values per EVAL of LIST_APPEND_SCRIPT: Lua's unpack() takes a few thousand at most. */
const LIST_APPEND_CHUNK = 1000;

/** `redis://:secret@host:6379/0` → `redis://host:6379/0`: safe for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'redis://(unparseable url)';
  }
}

/**
 * Connects to Redis and returns the store. Rejects with StoreUnavailableError when Redis
 * cannot be reached.
 */
export async function openRedisEphemeral(redisUrl: string, opts: RedisEphemeralOptions = {}): Promise<RedisEphemeralStore> {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
  const where = redactRedisUrl(redisUrl);
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails at once instead of being re-sent
    // later: a re-sent GETDEL could consume a code that nobody receives.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs ?? 3000,
    // Keep reconnecting for ever, at most every 2 s.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  });
  const store = new RedisEphemeral(redis, prefix, where);
  // Without a listener, a connection error would crash the process.
  redis.on('error', (err: unknown) => store.noteConnectionError(err));

  // Connecting includes Redis's ready check; give the whole of it the connect timeout.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StoreUnavailableError(`Redis unavailable (${where}): not ready within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
      }),
    ]);
  } catch (err) {
    redis.disconnect();
    return mapRedisError(err, where);
  } finally {
    clearTimeout(timer);
  }
  return store;
}

class RedisEphemeral implements RedisEphemeralStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #where: string;
  readonly description: string;
  #lastConnectionError: string | undefined;
  #closed?: Promise<void>;

  constructor(redis: Redis, prefix: string, where: string) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#where = where;
    this.description = `${where} prefix ${prefix}`;
    redis.on('ready', () => {
      this.#lastConnectionError = undefined;
    });
  }

  /** Remembered so that "stream isn't writeable" can say why. */
  noteConnectionError(err: unknown): void {
    this.#lastConnectionError = err instanceof Error ? err.message || (err as { code?: string }).code : String(err);
  }

  #key(kind: EphemeralKind, key: string): string {
    return `${this.#prefix}${kind}:${key}`;
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      if (this.#redis.status !== 'ready' && isRedisConnectionError(err)) {
        // "Stream isn't writeable…" says little: say what is known about the connection.
        const last = this.#lastConnectionError === undefined ? '' : ` (last error: ${this.#lastConnectionError})`;
        throw new StoreUnavailableError(`Redis unavailable (${this.#where}): not connected${last}`, { cause: err });
      }
      return mapRedisError(err, this.#where);
    }
  }

  async put(kind: EphemeralKind, key: string, value: unknown, ttlMs: number): Promise<void> {
    const k = this.#key(kind, key);
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`cannot store ${typeof value} as a ${kind} record`);
    // A TTL that has already run out stores nothing, and removes what was there (a replacement).
    if (!(ttlMs > 0)) {
      await this.#run(() => this.#redis.del(k));
      return;
    }
    await this.#run(() => this.#redis.set(k, json, 'PX', Math.ceil(ttlMs)));
  }

  async get<T>(kind: EphemeralKind, key: string): Promise<T | undefined> {
    const json = await this.#run(() => this.#redis.get(this.#key(kind, key)));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async consume<T>(kind: EphemeralKind, key: string): Promise<T | undefined> {
    const json = await this.#run(() => this.#redis.getdel(this.#key(kind, key)));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async delete(kind: EphemeralKind, key: string): Promise<void> {
    await this.#run(() => this.#redis.del(this.#key(kind, key)));
  }

  async increment(kind: EphemeralKind, key: string, ttlMs: number): Promise<number> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const n = await this.#run(() => this.#redis.eval(INCREMENT_SCRIPT, 1, this.#key(kind, key), ttl));
    return Number(n);
  }

  #listKey(kind: EphemeralKind, key: string): string {
    return `${this.#prefix}list:${kind}:${key}`;
  }

  async appendToLists(appends: readonly ListAppend[]): Promise<void> {
    if (appends.length === 0) return;
    const now = Date.now();
    const pipeline = this.#redis.pipeline();
    for (const a of appends) {
      // "<expires at> <json>": the value's own expiry, read back by readLists.
      const expiresAt = now + a.ttlMs;
      const values = (a.values.length > a.maxLength ? a.values.slice(-a.maxLength) : a.values).map((v) => `${expiresAt} ${JSON.stringify(v)}`);
      const ttl = Math.max(1, Math.ceil(a.ttlMs));
      for (let i = 0; i < values.length; i += LIST_APPEND_CHUNK) {
        pipeline.eval(LIST_APPEND_SCRIPT, 1, this.#listKey(a.kind, a.key), ttl, a.maxLength, ...values.slice(i, i + LIST_APPEND_CHUNK));
      }
    }
    const results = await this.#run(() => pipeline.exec());
    const failed = results?.find(([err]) => err);
    if (failed) mapRedisError(failed[0], this.#where);
  }

  async readLists<T>(kind: EphemeralKind, keys: readonly string[]): Promise<T[][]> {
    if (keys.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.lrange(this.#listKey(kind, key), 0, -1);
    const results = await this.#run(() => pipeline.exec());
    const now = Date.now();
    return keys.map((_, i) => {
      const [err, raw] = results?.[i] ?? [new Error('no reply')];
      if (err) return mapRedisError(err, this.#where);
      const out: T[] = [];
      for (const item of raw as string[]) {
        const space = item.indexOf(' ');
        if (Number(item.slice(0, space)) > now) out.push(JSON.parse(item.slice(space + 1)) as T);
      }
      return out;
    });
  }

  async ping(): Promise<void> {
    await this.#run(() => this.#redis.ping());
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#redis.status === 'ready') {
        try {
          await this.#redis.quit();
          return;
        } catch {
          // fall through: drop the connection
        }
      }
      this.#redis.disconnect();
    })();
    return this.#closed;
  }
}
