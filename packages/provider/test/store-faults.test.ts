/**
 * Faults of the scale-out store: when PostgreSQL or Redis cannot be reached, every operation
 * rejects promptly with StoreUnavailableError (answered 503), the process lives on, and the
 * store recovers by itself when the service returns.
 *
 * "The service goes away" is played three ways: a port where nothing listens; a TCP proxy in
 * front of the real services that is shut and reopened; and throwaway redis-server and
 * PostgreSQL processes that are killed and restarted (never the machine's own servers).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { openPostgresDurable } from '../src/store/postgres/index.js';
import type { PostgresDurableStore } from '../src/store/postgres/index.js';
import { isPostgresConnectionError } from '../src/store/postgres/errors.js';
import { openRedisEphemeral } from '../src/store/redis/index.js';
import type { RedisEphemeralStore } from '../src/store/redis/index.js';
import { isRedisConnectionError } from '../src/store/redis/errors.js';
import { openScaledStore } from '../src/store/scaled.js';
import { StoreUnavailableError } from '../src/store/types.js';
import type { Store } from '../src/store/types.js';
import {
  PostgresServer,
  RedisServer,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  TcpProxy,
  deleteRedisPrefixes,
  dropSchemas,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  requireTool,
  sleep,
  uniqueName,
} from './helpers/store-services.js';
import { DEADLINE_MS } from './helpers/deadlines.js';

/*
 * A refused connection fails in milliseconds and a hung one after the adapters' own timeouts
 * (3 s to connect, 5 s per query); what these bounds tell apart is "fails" from "hangs for
 * ever". They are generous, so that a busy machine does not look like a hang.
 */
/** Each failing operation must be answered within this (they run concurrently). */
const PROMPT_MS = 30_000;
/** The same when the service hangs rather than refuses (the adapters' timeouts apply). */
const HUNG_MS = 60_000;
/** How long the store may take to notice that a service is back. */
const RECOVERY_MS = DEADLINE_MS;

const REFUSED_PG = 'postgres://postgres@127.0.0.1:1/test';
const REFUSED_REDIS = 'redis://127.0.0.1:1';

const client = {
  id: 'c',
  secretHash: 'sha256:x',
  name: 'n',
  description: 'd',
  scopes: ['openid'],
  redirectUris: ['http://localhost/cb'],
  publicKey: 'pem',
  createdAt: 1,
  updatedAt: 1,
};

type Operation = [name: string, run: () => Promise<unknown>];

function durableOperations(s: Omit<PostgresDurableStore, 'description' | 'schemaVersion' | 'close'>): Operation[] {
  return [
    ['getClient', () => s.getClient('c')],
    ['listClients', () => s.listClients()],
    ['putClient', () => s.putClient(client)],
    ['deleteClient', () => s.deleteClient('c')],
    ['listKeys', () => s.listKeys()],
    ['putKey', () => s.putKey({ kid: 'k', privateJwk: { kty: 'RSA' }, status: 'next', createdAt: 1 })],
    ['deleteKey', () => s.deleteKey('k')],
    ['listPersonas', () => s.listPersonas()],
    ['putPersona', () => s.putPersona({ id: 'p', data: {}, createdAt: 1 })],
    ['deletePersona', () => s.deletePersona('p')],
    ['getSetting', () => s.getSetting('s')],
    ['initSetting', () => s.initSetting('s', 'v')],
    ['ping', () => s.ping()],
  ];
}

function ephemeralOperations(s: Omit<RedisEphemeralStore, 'description' | 'close'>): Operation[] {
  return [
    ['put', () => s.put('code', 'k', { v: 1 }, 60_000)],
    ['get', () => s.get('code', 'k')],
    ['consume', () => s.consume('code', 'k')],
    ['delete', () => s.delete('code', 'k')],
    ['increment', () => s.increment('rate', 'k', 60_000)],
    ['ping', () => s.ping()],
  ];
}

/** Runs all operations at once; each must reject with StoreUnavailableError within PROMPT_MS. */
async function assertAllUnavailable(operations: Operation[], withinMs = PROMPT_MS): Promise<void> {
  await Promise.all(
    operations.map(async ([name, run]) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        run().then(
          (value) => ({ resolved: value }),
          (err: unknown) => ({ rejected: err }),
        ),
        new Promise<{ hung: true }>((resolve) => {
          timer = setTimeout(() => resolve({ hung: true }), withinMs);
        }),
      ]);
      clearTimeout(timer);
      if ('hung' in outcome) assert.fail(`${name} did not answer within ${withinMs} ms`);
      if ('resolved' in outcome) assert.fail(`${name} succeeded while the service was down`);
      assert.ok(
        outcome.rejected instanceof StoreUnavailableError,
        `${name} rejected with ${String(outcome.rejected)} after ${Date.now() - started} ms, not StoreUnavailableError`,
      );
    }),
  );
}

/** Retries `check` until it passes; fails after RECOVERY_MS. */
async function eventually(what: string, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + RECOVERY_MS;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: not recovered within ${RECOVERY_MS} ms`, { cause: err });
      await sleep(100);
    }
  }
}

async function rejectsPromptly(what: string, promise: Promise<unknown>, withinMs = PROMPT_MS): Promise<StoreUnavailableError> {
  const started = Date.now();
  const err = await promise.then(
    () => assert.fail(`${what} succeeded`),
    (e: unknown) => e,
  );
  const took = Date.now() - started;
  assert.ok(err instanceof StoreUnavailableError, `${what}: ${String(err)} is not StoreUnavailableError`);
  assert.ok(took < withinMs, `${what} took ${took} ms`);
  return err;
}

describe('store faults: nothing listens on the port', () => {
  it('opening PostgreSQL rejects promptly with StoreUnavailableError', async () => {
    const err = await rejectsPromptly('openPostgresDurable', openPostgresDurable(REFUSED_PG));
    assert.match(err.message, /PostgreSQL unavailable \(postgres:\/\/127\.0\.0\.1:1\/test#sgid\)/);
  });

  it('opening Redis rejects promptly with StoreUnavailableError', async () => {
    const err = await rejectsPromptly('openRedisEphemeral', openRedisEphemeral(REFUSED_REDIS));
    assert.match(err.message, /Redis unavailable \(redis:\/\/127\.0\.0\.1:1\)/);
  });

  it('opening the scaled store rejects when either side is down, and leaves nothing open', async (t) => {
    const reason = (await postgresUnreachable()) ?? (await redisUnreachable());
    await rejectsPromptly('both down', openScaledStore({ databaseUrl: REFUSED_PG, redisUrl: REFUSED_REDIS }));
    if (!requireService(t, reason)) return;
    const schema = uniqueName('fault');
    try {
      // The reachable side is opened and must be closed again, or this test file would never exit.
      await rejectsPromptly('redis down', openScaledStore({ databaseUrl: TEST_DATABASE_URL, redisUrl: REFUSED_REDIS, schema }));
      await rejectsPromptly('postgres down', openScaledStore({ databaseUrl: REFUSED_PG, redisUrl: TEST_REDIS_URL }));
    } finally {
      await dropSchemas(TEST_DATABASE_URL, [schema]);
    }
  });
});

describe('store faults: a client mistake is not a fault', () => {
  it('only connection-level errors are classed as unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const dualStack = Object.assign(new AggregateError([refused, refused]), { code: 'ECONNREFUSED' });
    assert.ok(isPostgresConnectionError(refused));
    assert.ok(isPostgresConnectionError(dualStack));
    assert.ok(isPostgresConnectionError(new Error('Connection terminated unexpectedly')));
    assert.ok(isPostgresConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
    assert.ok(isPostgresConnectionError(Object.assign(new Error('x'), { code: '08006' })));
    assert.ok(!isPostgresConnectionError(Object.assign(new Error('duplicate key value'), { code: '23505' })));
    assert.ok(!isPostgresConnectionError(Object.assign(new Error('syntax error'), { code: '42601' })));
    assert.ok(!isPostgresConnectionError(new TypeError('Cannot read properties of undefined')));

    assert.ok(isRedisConnectionError(refused));
    assert.ok(isRedisConnectionError(new Error('Connection is closed.')));
    assert.ok(isRedisConnectionError(new Error("Stream isn't writeable and enableOfflineQueue options is false")));
    assert.ok(isRedisConnectionError(Object.assign(new Error('LOADING Redis is loading'), { name: 'ReplyError' })));
    assert.ok(!isRedisConnectionError(Object.assign(new Error('WRONGTYPE Operation against a key'), { name: 'ReplyError' })));
    assert.ok(!isRedisConnectionError(new SyntaxError('Unexpected token')));
  });

  it('errors that are not about the connection pass through unchanged', async (t) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const prefix = `${uniqueName('mistake')}:`;
    const schema = uniqueName('mistake');
    const store = await openScaledStore({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, prefix });
    try {
      // A value that cannot be stored is the caller's mistake, not an outage.
      await assert.rejects(
        store.put('code', 'k', 10n, 60_000),
        (err: unknown) => !(err instanceof StoreUnavailableError),
      );
      // A counter used as a record (and the other way round) is a bug, not an outage.
      await store.put('rate', 'not-a-number', { a: 1 }, 60_000);
      await assert.rejects(
        store.increment('rate', 'not-a-number', 60_000),
        (err: unknown) => !(err instanceof StoreUnavailableError),
      );
    } finally {
      await store.close();
      await dropSchemas(TEST_DATABASE_URL, [schema]);
      await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]);
    }
  });
});

describe('store faults: the services go away and come back (TCP proxy)', () => {
  let pgProxy: TcpProxy | undefined;
  let redisProxy: TcpProxy | undefined;
  let store: Store | undefined;
  const schema = uniqueName('proxy');
  const prefix = `${uniqueName('proxy')}:`;

  after(async () => {
    await store?.close();
    await pgProxy?.stop();
    await redisProxy?.stop();
    await dropSchemas(TEST_DATABASE_URL, [schema]).catch(() => undefined);
    await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]).catch(() => undefined);
  });

  it('every operation rejects promptly with StoreUnavailableError, then the store recovers', async (t) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const pg = await TcpProxy.inFrontOf(TEST_DATABASE_URL, 5432);
    const redis = await TcpProxy.inFrontOf(TEST_REDIS_URL, 6379);
    pgProxy = pg.proxy;
    redisProxy = redis.proxy;

    store = await openScaledStore({ databaseUrl: pg.url, redisUrl: redis.url, schema, prefix });
    const s = store;
    await s.putClient(client);
    await s.put('login', 'in-flight', 'kept in Redis', 60_000);
    const operations = [...durableOperations(s), ...ephemeralOperations(s)];

    // Both go away.
    await pgProxy.stop();
    await redisProxy.stop();
    await assertAllUnavailable(operations);
    await assertAllUnavailable(operations); // and again, once the clients know they are disconnected

    // PostgreSQL comes back, Redis does not: durable operations work, short-lived ones still fail.
    await pgProxy.start();
    await eventually('PostgreSQL back', async () => assert.equal((await s.getClient('c'))?.id, 'c'));
    await assertAllUnavailable(ephemeralOperations(s));

    // Redis comes back too: everything works, without reopening the store.
    await redisProxy.start();
    await eventually('Redis back', async () => assert.equal(await s.get('login', 'in-flight'), 'kept in Redis'));
    await s.ping();
    await s.put('code', 'after', 'v', 60_000);
    assert.equal(await s.consume('code', 'after'), 'v');
    assert.equal(await s.initSetting('x', 'y'), 'y');
  });
});

describe('store faults: the services hang (connections accepted, never answered)', () => {
  let pgProxy: TcpProxy | undefined;
  let redisProxy: TcpProxy | undefined;
  let store: Store | undefined;
  const schema = uniqueName('hang');
  const prefix = `${uniqueName('hang')}:`;

  after(async () => {
    await store?.close();
    await pgProxy?.stop();
    await redisProxy?.stop();
    await dropSchemas(TEST_DATABASE_URL, [schema]).catch(() => undefined);
    await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]).catch(() => undefined);
  });

  it('operations time out into StoreUnavailableError instead of hanging, then recover', async (t) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const pg = await TcpProxy.inFrontOf(TEST_DATABASE_URL, 5432);
    const redis = await TcpProxy.inFrontOf(TEST_REDIS_URL, 6379);
    pgProxy = pg.proxy;
    redisProxy = redis.proxy;
    const opts = { databaseUrl: pg.url, redisUrl: redis.url, schema, prefix };

    store = await openScaledStore(opts);
    const s = store;
    await s.putClient(client);
    pgProxy.freeze();
    redisProxy.freeze();
    await Promise.all([
      assertAllUnavailable([...durableOperations(s), ...ephemeralOperations(s)], HUNG_MS),
      rejectsPromptly('opening while hung', openScaledStore(opts), HUNG_MS),
    ]);

    // The network heals (connections are cut and the port answers again).
    await pgProxy.stop();
    await redisProxy.stop();
    await pgProxy.start();
    await redisProxy.start();
    await eventually('both back', async () => {
      await s.ping();
      assert.equal((await s.getClient('c'))?.id, 'c');
    });
  });
});

describe('store faults: a real Redis server is killed and restarted', () => {
  let server: RedisServer | undefined;
  let store: RedisEphemeralStore | undefined;

  after(async () => {
    await store?.close();
    await server?.stop();
  });

  it('operations reject while it is down, and work again when it is back', async (t: TestContext) => {
    if (!requireTool(t, RedisServer.unavailable())) return;
    server = await RedisServer.start();
    store = await openRedisEphemeral(server.url, { prefix: 'fault:' });
    const s = store;
    await s.put('code', 'k', 'v', 60_000);
    assert.equal(await s.get('code', 'k'), 'v');

    await server.stop();
    await assertAllUnavailable(ephemeralOperations(s));
    await sleep(500); // a few reconnection attempts fail meanwhile; the process must not mind
    await assertAllUnavailable(ephemeralOperations(s));

    await server.start();
    await eventually('redis-server back', () => s.ping());
    // Nothing was persisted: the old record is gone, new ones work.
    assert.equal(await s.get('code', 'k'), undefined);
    await s.put('code', 'k2', 'v2', 60_000);
    assert.equal(await s.consume('code', 'k2'), 'v2');
    assert.equal(await s.increment('rate', 'r', 60_000), 1);
  });
});

describe('store faults: a throwaway PostgreSQL cluster is stopped and restarted', () => {
  let server: PostgresServer | undefined;
  let store: PostgresDurableStore | undefined;

  after(async () => {
    await store?.close();
    await server?.destroy();
  });

  it('operations reject while it is down, and work again when it is back', async (t: TestContext) => {
    if (!requireTool(t, PostgresServer.unavailable())) return;
    server = await PostgresServer.create();
    store = await openPostgresDurable(server.url, { schema: 'faults' });
    const s = store;
    await s.putClient(client);

    await server.stop();
    await assertAllUnavailable(durableOperations(s));
    await assertAllUnavailable(durableOperations(s));

    await server.start();
    await eventually('postgres back', async () => assert.equal((await s.getClient('c'))?.id, 'c'));
    assert.equal(await s.initSetting('after', 'restart'), 'restart');
    assert.equal((await s.listClients()).length, 1);
  });
});
