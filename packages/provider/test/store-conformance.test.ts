/**
 * One behavioural suite, run against every Store adapter: memory, SQLite, and
 * PostgreSQL+Redis. An adapter is correct when it passes all of it; a new adapter adds one
 * entry to HARNESSES.
 *
 * PostgreSQL and Redis come from SGID_TEST_DATABASE_URL and SGID_TEST_REDIS_URL; each test
 * uses its own schema and key prefix, removed at the end. Where they cannot be reached, the
 * tests say so and are skipped (or fail, when CI is set).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createMemoryStore } from '../src/store/memory/index.js';
import { SWEEP_BATCH, openSqliteStore } from '../src/store/sqlite/index.js';
import { openScaledStore } from '../src/store/scaled.js';
import type { ClientRecord, PersonaRecord, SigningKeyRecord, SingpassClientRecord, Store } from '../src/store/types.js';
import {
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  deleteRedisPrefixes,
  dropSchemas,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  sleep,
  uniqueName,
} from './helpers/store-services.js';

/** One place where records are kept: a fresh, empty instance per test. */
interface Place {
  store: Store;
  /** Closes nothing; opens the same storage again, as a restarted (or another) process would. */
  reopen?: () => Promise<Store>;
}

interface Harness {
  name: string;
  /** Why this adapter cannot be tested here, or undefined. */
  unavailable(): Promise<string | undefined>;
  /** A fresh place; whatever it needs removing is removed in `cleanup`. */
  open(): Promise<Place>;
  /** Whether short-lived records (logins in flight, codes) survive a restart as well. */
  ephemeralSurvivesRestart: boolean;
  /** Whether several processes can share one place (the scale-out adapter). */
  shared: boolean;
  cleanup(): Promise<void>;
}

const tempDirs: string[] = [];
const schemas: string[] = [];
const prefixes: string[] = [];

const HARNESSES: Harness[] = [
  {
    name: 'memory',
    unavailable: async () => undefined,
    open: async () => ({ store: createMemoryStore() }),
    ephemeralSurvivesRestart: false,
    shared: false,
    cleanup: async () => undefined,
  },
  {
    name: 'sqlite',
    unavailable: async () => undefined,
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sgid-store-'));
      tempDirs.push(dir);
      const path = join(dir, 'provider.db');
      return { store: await openSqliteStore(path), reopen: async () => openSqliteStore(path) };
    },
    ephemeralSurvivesRestart: true,
    shared: false,
    cleanup: async () => {
      for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  },
  {
    name: 'postgres+redis',
    unavailable: async () => (await postgresUnreachable()) ?? (await redisUnreachable()),
    open: async () => {
      const schema = uniqueName('schema');
      const prefix = `${uniqueName('prefix')}:`;
      schemas.push(schema);
      prefixes.push(prefix);
      const opts = { databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, prefix };
      return { store: await openScaledStore(opts), reopen: () => openScaledStore(opts) };
    },
    ephemeralSurvivesRestart: true,
    shared: true,
    cleanup: async () => {
      await dropSchemas(TEST_DATABASE_URL, schemas.splice(0));
      await deleteRedisPrefixes(TEST_REDIS_URL, prefixes.splice(0));
    },
  },
];

function client(id: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    id,
    secretHash: `sha256:${Buffer.from(id).toString('base64url')}`,
    name: `Client ${id}`,
    description: 'Ice cream, délivered — "quoted" & <escaped>',
    scopes: ['openid', 'myinfo.name', 'myinfo.nric_number'],
    redirectUris: ['http://localhost:3000/callback', 'https://example.com/cb?x=1'],
    publicKey: '-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function singpassClient(id: string, overrides: Partial<SingpassClientRecord> = {}): SingpassClientRecord {
  return {
    id,
    name: `Singpass client ${id}`,
    description: 'Ünïcode — "quoted" & <escaped>',
    appType: 'myinfo',
    scopes: ['openid', 'uinfin', 'name'],
    redirectUris: ['https://rp.example/callback'],
    jwks: {
      keys: [
        { kty: 'EC', crv: 'P-256', x: 'tqG7PiAPD0xTBKdxDd4t8xAjJleP3Szw1CZiBjogmoc', y: '256TjvubWV-x-C8lptl7eSbMa7pQUXH9LY1AIHUGINk', use: 'sig', kid: 's1', alg: 'ES256' },
      ],
    },
    legacyProfile: 'direct',
    acrValues: [],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function signingKey(kid: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid,
    privateJwk: { kty: 'RSA', kid, n: 'sXch', e: 'AQAB', d: 'VFCW', p: 'yn8', q: '4Vw', dp: 'Bg', dq: 'Ag', qi: 'AQ' },
    status: 'active',
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

function persona(id: string): PersonaRecord {
  return {
    id,
    data: { name: 'TAN AH KOW', nested: { list: [1, 'two', true, null], empty: {} }, unicode: '陈 ✓' },
    createdAt: 1_700_000_000_000,
  };
}

const byId = <T extends { id: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.id.localeCompare(b.id));
const byKid = (xs: SigningKeyRecord[]): SigningKeyRecord[] => [...xs].sort((a, b) => a.kid.localeCompare(b.kid));

for (const harness of HARNESSES) {
  describe(`store conformance: ${harness.name}`, () => {
    let unavailable: Promise<string | undefined> | undefined;
    const opened: Store[] = [];

    /** A fresh place for this test, or undefined when the adapter cannot run here (skipped). */
    async function place(t: TestContext): Promise<Place | undefined> {
      unavailable ??= harness.unavailable();
      if (!requireService(t, await unavailable)) return undefined;
      const p = await harness.open();
      opened.push(p.store);
      const reopen = p.reopen;
      return reopen
        ? {
            store: p.store,
            reopen: async () => {
              const s = await reopen();
              opened.push(s);
              return s;
            },
          }
        : p;
    }

    after(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
      await harness.cleanup();
    });

    it('keeps clients: put, get, list, replace, delete', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.equal(await store.getClient('nope'), undefined);
      assert.deepEqual(await store.listClients(), []);

      const a = client('a');
      const b = client('b', { createdAt: 1_700_000_000_001, scopes: ['openid'] });
      await store.putClient(a);
      await store.putClient(b);
      assert.deepEqual(await store.getClient('a'), a);
      assert.deepEqual(byId(await store.listClients()), [a, b]);

      const a2 = { ...a, name: 'Renamed', redirectUris: ['https://new.example/cb'], updatedAt: a.updatedAt + 5 };
      await store.putClient(a2);
      assert.deepEqual(await store.getClient('a'), a2);
      assert.equal((await store.listClients()).length, 2);

      // What the store returns is a copy: changing it changes nothing stored.
      const got = await store.getClient('a');
      got!.scopes.push('myinfo.sex');
      assert.deepEqual(await store.getClient('a'), a2);

      assert.equal(await store.deleteClient('a'), true);
      assert.equal(await store.deleteClient('a'), false);
      assert.equal(await store.getClient('a'), undefined);
      assert.deepEqual(await store.listClients(), [b]);
    });

    it('keeps Singpass clients apart from sgID clients: put, get, list, replace, delete', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      const id = 'RsrOy2iB0edR53TJSuD5ULad1pGmrVZL';
      assert.equal(await store.getSingpassClient(id), undefined);
      assert.deepEqual(await store.listSingpassClients(), []);
      const a = singpassClient(id);
      const b = singpassClient('B'.repeat(32), { appType: 'login', jwks: undefined, jwksUri: 'https://rp.example/jwks', createdAt: 1_700_000_000_001 });
      delete b.jwks;
      await store.putSingpassClient(a);
      await store.putSingpassClient(b);
      await store.putClient(client(id));
      assert.deepEqual(await store.getSingpassClient(id), a);
      assert.deepEqual(byId(await store.listSingpassClients()), byId([a, b]));
      assert.equal((await store.listClients()).length, 1, 'an sgID client with the same id is another record');

      const a2 = { ...a, appType: 'login' as const, acrValues: ['urn:singpass:authentication:loa:3'], updatedAt: a.updatedAt + 1 };
      await store.putSingpassClient(a2);
      assert.deepEqual(await store.getSingpassClient(id), a2);
      const got = await store.getSingpassClient(id);
      got!.redirectUris.push('https://evil.example/');
      assert.deepEqual(await store.getSingpassClient(id), a2, 'what the store returns is a copy');

      assert.equal(await store.deleteSingpassClient(id), true);
      assert.equal(await store.deleteSingpassClient(id), false);
      assert.deepEqual(await store.listSingpassClients(), [b]);
      assert.equal((await store.getClient(id))?.id, id, 'deleting the Singpass client leaves the sgID one');
    });

    it('keeps signing keys: put, list, replace, delete', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.deepEqual(await store.listKeys(), []);
      const next = signingKey('k-next', { status: 'next', activateAt: 1_700_000_100_000 });
      const active = signingKey('k-active', { createdAt: 1_600_000_000_000 });
      await store.putKey(next);
      await store.putKey(active);
      assert.deepEqual(byKid(await store.listKeys()), [active, next]);

      const retired = { ...active, status: 'retired' as const, removeAt: 1_700_000_200_000 };
      await store.putKey(retired);
      assert.deepEqual(byKid(await store.listKeys()), [retired, next]);

      assert.equal(await store.deleteKey('k-active'), true);
      assert.equal(await store.deleteKey('k-active'), false);
      assert.deepEqual(await store.listKeys(), [next]);
    });

    it('keeps personas: put, list, replace, delete', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.deepEqual(await store.listPersonas(), []);
      const x = persona('x');
      const y = persona('y');
      await store.putPersona(x);
      await store.putPersona(y);
      assert.deepEqual(byId(await store.listPersonas()), [x, y]);
      const x2 = { ...x, data: { name: 'LIM' } };
      await store.putPersona(x2);
      assert.deepEqual(byId(await store.listPersonas()), [x2, y]);
      assert.equal(await store.deletePersona('x'), true);
      assert.equal(await store.deletePersona('x'), false);
      assert.deepEqual(await store.listPersonas(), [y]);
    });

    it('initSetting: the first writer wins', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.equal(await store.getSetting('issuer-secret'), undefined);
      assert.equal(await store.initSetting('issuer-secret', 'first'), 'first');
      assert.equal(await store.initSetting('issuer-secret', 'second'), 'first');
      assert.equal(await store.getSetting('issuer-secret'), 'first');
      assert.equal(await store.initSetting('other', ''), '', 'an empty string is a value');
    });

    it('initSetting: concurrent callers all agree on one value', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      const candidates = Array.from({ length: 25 }, (_, i) => `value-${i}`);
      const results = await Promise.all(candidates.map((v) => store.initSetting('cookie-key', v)));
      const winner = results[0]!;
      assert.ok(candidates.includes(winner));
      assert.deepEqual(new Set(results), new Set([winner]));
      assert.equal(await store.getSetting('cookie-key'), winner);
    });

    it('short-lived records: put, get, replace, delete; kinds are separate', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      const ttl = 60_000;
      assert.equal(await store.get('code', 'c1'), undefined);
      const value = { clientId: 'a', scopes: ['openid'], nested: { n: 1.5, ok: true }, text: 'ünï ✓' };
      await store.put('code', 'c1', value, ttl);
      assert.deepEqual(await store.get('code', 'c1'), value);
      assert.deepEqual(await store.get('code', 'c1'), value, 'get does not consume');
      assert.equal(await store.get('token', 'c1'), undefined, 'another kind, same key');
      assert.equal(await store.get('code', 'c2'), undefined);

      await store.put('code', 'c1', 'replaced', ttl);
      assert.equal(await store.get('code', 'c1'), 'replaced');
      await store.put('login', 'l1', [1, 2, 3], ttl);
      await store.put('token', 't1', 42, ttl);
      assert.deepEqual(await store.get('login', 'l1'), [1, 2, 3]);
      assert.equal(await store.get('token', 't1'), 42);

      await store.delete('code', 'c1');
      assert.equal(await store.get('code', 'c1'), undefined);
      await store.delete('code', 'never-there');
      assert.deepEqual(await store.get('login', 'l1'), [1, 2, 3], 'delete touches only its record');
    });

    it('short-lived records expire after their TTL', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      await store.put('login', 'short', { step: 1 }, 150);
      await store.put('code', 'short', 'code value', 150);
      await store.put('login', 'long', { step: 2 }, 60_000);
      await sleep(400);
      assert.equal(await store.get('login', 'short'), undefined);
      assert.equal(await store.consume('code', 'short'), undefined, 'an expired code cannot be consumed');
      assert.deepEqual(await store.get('login', 'long'), { step: 2 });
      // A replacement takes the new TTL.
      await store.put('login', 'long', { step: 3 }, 150);
      await sleep(400);
      assert.equal(await store.get('login', 'long'), undefined);
    });

    it('consume: of 50 concurrent callers exactly one gets the value', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      for (let round = 0; round < 3; round++) {
        await store.put('code', `once-${round}`, { round }, 60_000);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.consume<{ round: number }>('code', `once-${round}`)),
        );
        const winners = results.filter((r) => r !== undefined);
        assert.equal(winners.length, 1, `round ${round}: ${winners.length} callers got the code`);
        assert.deepEqual(winners[0], { round });
        assert.equal(await store.get('code', `once-${round}`), undefined);
      }
      assert.equal(await store.consume('code', 'absent'), undefined);
    });

    it('increment counts from 1 and expires after the TTL of the first increment', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.equal(await store.increment('rate', 'ip-1', 60_000), 1);
      assert.equal(await store.increment('rate', 'ip-1', 60_000), 2);
      assert.equal(await store.increment('rate', 'ip-1', 60_000), 3);
      assert.equal(await store.increment('rate', 'ip-2', 60_000), 1, 'counters are separate');

      const counts = await Promise.all(Array.from({ length: 30 }, () => store.increment('rate', 'burst', 60_000)));
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 30 }, (_, i) => i + 1),
        'concurrent increments are not lost',
      );

      assert.equal(await store.increment('rate', 'short', 150), 1);
      // A later increment does not extend the window set by the first one.
      const second = await store.increment('rate', 'short', 60_000);
      await sleep(400);
      if (second === 2) assert.equal(await store.increment('rate', 'short', 60_000), 1, 'the window is not extended');
      else assert.equal(second, 1, 'the counter had already expired (a slow machine)');
    });

    it('short-lived lists: append in order, read several at once, keep the newest maxLength', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.deepEqual(await store.readLists('inspect', ['none']), [[]]);
      assert.deepEqual(await store.readLists('inspect', []), []);
      await store.appendToLists([
        { kind: 'inspect', key: 'a', values: [{ n: 1 }, { n: 2, text: 'ünï ✓' }], ttlMs: 60_000, maxLength: 5 },
        { kind: 'inspect', key: 'b', values: ['x'], ttlMs: 60_000, maxLength: 5 },
        { kind: 'conformance', key: 'a', values: ['other kind'], ttlMs: 60_000, maxLength: 5 },
      ]);
      await store.appendToLists([{ kind: 'inspect', key: 'a', values: [{ n: 3 }], ttlMs: 60_000, maxLength: 5 }]);
      await store.appendToLists([]);
      assert.deepEqual(await store.readLists('inspect', ['a', 'b', 'none']), [[{ n: 1 }, { n: 2, text: 'ünï ✓' }, { n: 3 }], ['x'], []]);
      assert.deepEqual(await store.readLists('conformance', ['a']), [['other kind']], 'kinds are separate');
      assert.equal(await store.get('inspect', 'a'), undefined, 'lists and records are separate');

      // A list keeps its newest maxLength values, whether they come in one append or several.
      await store.appendToLists([{ kind: 'inspect', key: 'a', values: [4, 5, 6, 7], ttlMs: 60_000, maxLength: 5 }]);
      assert.deepEqual(await store.readLists('inspect', ['a']), [[{ n: 3 }, 4, 5, 6, 7]]);
      await store.appendToLists([{ kind: 'inspect', key: 'c', values: Array.from({ length: 12 }, (_, i) => i), ttlMs: 60_000, maxLength: 3 }]);
      assert.deepEqual(await store.readLists('inspect', ['c']), [[9, 10, 11]]);

      // Concurrent appends (as from several requests or processes) are all kept, none twice.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.appendToLists([{ kind: 'inspect', key: 'burst', values: [i], ttlMs: 60_000, maxLength: 100 }])),
      );
      const [burst] = await store.readLists<number>('inspect', ['burst']);
      assert.deepEqual([...burst!].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
    });

    it('short-lived lists: each value expires after its own TTL', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      await store.appendToLists([{ kind: 'inspect', key: 'mixed', values: ['short'], ttlMs: 150, maxLength: 10 }]);
      await store.appendToLists([{ kind: 'inspect', key: 'mixed', values: ['long'], ttlMs: 60_000, maxLength: 10 }]);
      await store.appendToLists([{ kind: 'inspect', key: 'gone', values: ['short'], ttlMs: 150, maxLength: 10 }]);
      await sleep(400);
      assert.deepEqual(await store.readLists('inspect', ['mixed', 'gone']), [['long'], []]);
      await store.sweep();
      assert.deepEqual(await store.readLists('inspect', ['mixed', 'gone']), [['long'], []], 'sweep keeps live values');
      // A later append with a shorter TTL does not shorten the life of the values before it.
      await store.appendToLists([{ kind: 'inspect', key: 'mixed', values: ['short again'], ttlMs: 150, maxLength: 10 }]);
      await sleep(400);
      assert.deepEqual(await store.readLists('inspect', ['mixed']), [['long']]);
    });

    it('durable records survive a restart', async (t) => {
      const p = await place(t);
      if (!p) return;
      if (!p.reopen) {
        t.skip(`${harness.name} keeps nothing across a restart, by design`);
        return;
      }
      const { store } = p;
      const c = client('survivor');
      const k = signingKey('k1', { status: 'next', activateAt: 1_700_000_100_000 });
      const x = persona('p1');
      await store.putClient(c);
      await store.putKey(k);
      await store.putPersona(x);
      await store.initSetting('s', 'kept');
      await store.close();

      const again = await p.reopen();
      assert.deepEqual(await again.getClient('survivor'), c);
      assert.deepEqual(await again.listKeys(), [k]);
      assert.deepEqual(await again.listPersonas(), [x]);
      assert.equal(await again.initSetting('s', 'new'), 'kept');
      await again.close();
    });

    it('short-lived records survive a restart too (logins in flight)', async (t) => {
      const p = await place(t);
      if (!p) return;
      if (!p.reopen || !harness.ephemeralSurvivesRestart) {
        t.skip(`${harness.name} keeps nothing across a restart, by design`);
        return;
      }
      const { store } = p;
      await store.put('login', 'in-flight', { state: 'xyz' }, 60_000);
      await store.put('code', 'c', 'ciphertext', 60_000);
      await store.put('code', 'expiring', 'soon gone', 150);
      assert.equal(await store.increment('rate', 'r', 60_000), 1);
      await store.appendToLists([{ kind: 'inspect', key: 'client', values: [{ step: 'token' }], ttlMs: 60_000, maxLength: 10 }]);
      await store.close();

      const again = await p.reopen();
      assert.deepEqual(await again.readLists('inspect', ['client']), [[{ step: 'token' }]]);
      assert.deepEqual(await again.get('login', 'in-flight'), { state: 'xyz' });
      assert.equal(await again.consume('code', 'c'), 'ciphertext');
      assert.equal(await again.consume('code', 'c'), undefined);
      assert.equal(await again.increment('rate', 'r', 60_000), 2);
      await sleep(400);
      assert.equal(await again.get('code', 'expiring'), undefined, 'TTLs still apply after the restart');
      await again.close();
    });

    it('sweep and ping work, and sweep keeps live records', async (t) => {
      const p = await place(t);
      if (!p) return;
      const { store } = p;
      assert.equal(typeof store.description, 'string');
      assert.ok(store.description.length > 0);
      await store.ping();
      await store.put('login', 'live', 1, 60_000);
      await store.put('login', 'dead', 1, 100);
      await sleep(300);
      await store.sweep();
      assert.equal(await store.get('login', 'live'), 1);
      assert.equal(await store.get('login', 'dead'), undefined);
    });

    if (harness.shared) {
      it('several processes share one place: one migrates, all see the same records', async (t) => {
        const p = await place(t);
        if (!p?.reopen) return;
        // Five more "processes" start at once on the same schema and prefix.
        const others = await Promise.all(Array.from({ length: 5 }, () => p.reopen!()));
        await p.store.putClient(client('shared'));
        for (const other of others) assert.equal((await other.getClient('shared'))?.id, 'shared');

        const settled = await Promise.all([p.store, ...others].map((s, i) => s.initSetting('one', `from-${i}`)));
        assert.equal(new Set(settled).size, 1);

        await p.store.put('code', 'across', 'v', 60_000);
        const got = await Promise.all([p.store, ...others].flatMap((s) => [s.consume('code', 'across'), s.consume('code', 'across')]));
        assert.equal(got.filter((g) => g !== undefined).length, 1, 'a code is redeemed once across processes');

        await Promise.all([p.store, ...others].map((s, i) => s.appendToLists([{ kind: 'inspect', key: 'all', values: [i], ttlMs: 60_000, maxLength: 10 }])));
        for (const s of [p.store, ...others]) {
          const [all] = await s.readLists<number>('inspect', ['all']);
          assert.deepEqual([...all!].sort(), [0, 1, 2, 3, 4, 5], 'every process sees every append');
        }
      });

      it('migrations run once, even when processes start at once on a new schema', async (t) => {
        unavailable ??= harness.unavailable();
        if (!requireService(t, await unavailable)) return;
        const schema = uniqueName('race');
        const prefix = `${uniqueName('race')}:`;
        schemas.push(schema);
        prefixes.push(prefix);
        const stores = await Promise.all(
          Array.from({ length: 6 }, () => openScaledStore({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, prefix })),
        );
        opened.push(...stores);
        const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await db.connect();
        try {
          const { rows } = await db.query<{ version: number }>(
            `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
          );
          assert.deepEqual(
            rows.map((r) => r.version),
            [1, 2],
          );
        } finally {
          await db.end();
        }
      });
    }
  });
}

describe('SQLite sweep', () => {
  it('deletes expired records in batches, letting the event loop run between them, and keeps live ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-sweep-'));
    const path = join(dir, 'provider.db');
    const store = openSqliteStore(path);
    try {
      const expired = 3 * SWEEP_BATCH + 7;
      for (let i = 0; i < expired; i++) await store.put('code', `old-${i}`, { i }, 1);
      for (let i = 0; i < 5; i++) await store.put('code', `live-${i}`, { i }, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Count the event loop's turns while the sweep runs: one DELETE of everything gives none.
      let turns = 0;
      let sweeping = true;
      const turn = () => {
        if (!sweeping) return;
        turns++;
        setImmediate(turn);
      };
      setImmediate(turn);
      await store.sweep();
      sweeping = false;
      assert.ok(turns >= 3, `the event loop turned ${turns} times during a sweep of ${expired} records (4 batches)`);
      const raw = new Database(path, { readonly: true });
      try {
        const left = raw.prepare<[], { key: string }>('SELECT key FROM ephemeral ORDER BY key').all().map((r) => r.key);
        assert.deepEqual(left, ['live-0', 'live-1', 'live-2', 'live-3', 'live-4']);
      } finally {
        raw.close();
      }
      assert.deepEqual(await store.get('code', 'live-3'), { i: 3 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
