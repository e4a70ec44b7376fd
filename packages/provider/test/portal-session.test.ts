/**
 * Portal sessions with an admin token, over real HTTP: the CSRF token is bound to the signed-in
 * session (a planted cookie plus the token the sign-in page hands out for it does not pass),
 * signing out ends the session in the store (a copy of the cookie stops working at once), and
 * on PostgreSQL + Redis a session opened on one process works on another and ends on all of
 * them when it is signed out on one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Browser, scrape } from './helpers/portal-browser.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { spawnProvider, withParam } from './helpers/provider-process.js';
import type { ProviderProcess } from './helpers/provider-process.js';
import {
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  deleteRedisPrefixes,
  dropSchemas,
  freePort,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  uniqueName,
} from './helpers/store-services.js';

const TOKEN = 'correct horse battery staple';
const REDIRECT = 'http://localhost:5001/api/redirect';
const SESSION = 'sgid_portal_session';
const CSRF = 'sgid_portal_csrf';

async function signIn(origin: string, token = TOKEN): Promise<Browser> {
  const b = new Browser(origin);
  const login = await b.get('/portal/login');
  const ok = await b.post('/portal/login', { token, next: '/portal' }, login.html);
  assert.equal(ok.res.status, 303, ok.html.slice(0, 300));
  assert.ok(b.jar.get(SESSION), 'a session cookie');
  return b;
}

describe('portal sessions (admin token, SQLite)', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider({ adminToken: TOKEN });
  });
  after(() => p.close());

  test('CSRF: a cookie planted in a signed-in browser, with the token the sign-in page gave for it, is refused', async () => {
    // The attacker (another app on this host, or anyone who can reach the sign-in page) picks a
    // CSRF cookie value and reads the token the portal hands out for it.
    const planted = 'A'.repeat(32);
    const attacker = new Browser(p.url);
    attacker.jar.set(CSRF, planted);
    const page = await attacker.get('/portal/login');
    const plantedToken = scrape(page.html, /name="csrf" value="([^"]+)"/, 'CSRF token');

    // The admin is signed in; the planted cookie replaces theirs (cookies ignore ports).
    const admin = await signIn(p.url);
    admin.jar.set(CSRF, planted);
    const fields = { name: 'Planted', scopes: 'myinfo.name', redirectUris: REDIRECT };
    const forged = await admin.post('/portal/clients', { ...fields, csrf: plantedToken });
    assert.equal(forged.res.status, 403, 'the token of a planted cookie must not pass for a signed-in session');
    assert.match(forged.html, /This form has expired/);
    const logout = await admin.post('/portal/logout', { csrf: plantedToken });
    assert.equal(logout.res.status, 403);
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Planted').length, 0);

    // Control: the admin's own page (same planted cookie, their session) gives a token that works.
    const form = await admin.get('/portal/clients/new');
    const own = await admin.post('/portal/clients', fields, form.html);
    assert.ok(own.res.status === 200 || own.res.status === 303, `own token: ${own.res.status}`);
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Planted').length, 1);
  });

  test('a form token from before sign-in, or from another session, does not work in this one', async () => {
    const b = new Browser(p.url);
    const before = await b.get('/portal/login');
    const ok = await b.post('/portal/login', { token: TOKEN, next: '/portal' }, before.html);
    assert.equal(ok.res.status, 303);
    const stale = await b.post('/portal/clients', { name: 'Stale', scopes: 'myinfo.name', redirectUris: REDIRECT }, before.html);
    assert.equal(stale.res.status, 403);

    const other = await signIn(p.url);
    other.jar.set(CSRF, b.jar.get(CSRF)!);
    const theirs = await other.get('/portal/clients/new');
    const swapped = await b.post('/portal/clients', { name: 'Swapped', scopes: 'myinfo.name', redirectUris: REDIRECT }, theirs.html);
    assert.equal(swapped.res.status, 403);
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Stale' || c.name === 'Swapped').length, 0);
  });

  test('signing out ends the session: a copy of the cookie stops working at once', async () => {
    const b = await signIn(p.url);
    const copy = new Browser(p.url);
    copy.jar.set(SESSION, b.jar.get(SESSION)!);
    assert.equal((await copy.get('/portal')).res.status, 200, 'control: the copy works while signed in');
    const copyForm = await copy.get('/portal/clients/new');

    const list = await b.get('/portal');
    const out = await b.post('/portal/logout', {}, list.html);
    assert.equal(out.res.status, 303);
    assert.equal(b.jar.get(SESSION), undefined, 'the browser drops the cookie');

    const after = await copy.get('/portal');
    assert.equal(after.res.status, 303);
    assert.match(after.res.headers.get('location') ?? '', /^\/portal\/login/);
    const post = await copy.post('/portal/clients', { name: 'After sign-out', scopes: 'myinfo.name', redirectUris: REDIRECT }, copyForm.html);
    assert.equal(post.res.status, 401);
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'After sign-out').length, 0);
  });

  test('every sign-in gets a new session id; made-up ids are refused', async () => {
    const a = await signIn(p.url);
    const b = await signIn(p.url);
    assert.notEqual(a.jar.get(SESSION), b.jar.get(SESSION));
    assert.match(a.jar.get(SESSION)!, /^[A-Za-z0-9_-]{43}$/);
    const forged = new Browser(p.url);
    for (const value of ['A'.repeat(43), `v1.${Date.now() + 3_600_000}.${'A'.repeat(43)}`, '']) {
      forged.jar.set(SESSION, value);
      assert.equal((await forged.get('/portal')).res.status, 303, value);
    }
    // A session cookie brought to the sign-in form is not adopted: the new one differs.
    const fixed = new Browser(p.url);
    fixed.jar.set(SESSION, a.jar.get(SESSION)!);
    const list = await a.get('/portal');
    await a.post('/portal/logout', {}, list.html);
    const login = await fixed.get('/portal/login');
    const ok = await fixed.post('/portal/login', { token: TOKEN }, login.html);
    assert.equal(ok.res.status, 303);
    assert.notEqual(fixed.jar.get(SESSION), a.jar.get(SESSION));
  });
});

describe('portal sessions and the admin token', () => {
  test('changing the admin token ends every session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-portal-session-'));
    const data = join(dir, 'sgid.db');
    try {
      // Each provider on its own port (cookies ignore ports, so the browser's jar carries over).
      const first = await startProvider({ adminToken: TOKEN, data });
      const b = await signIn(first.url);
      assert.equal((await b.get('/portal')).res.status, 200);
      await first.close();
      const at = (p: TestProvider) => {
        const next = new Browser(p.url);
        for (const [k, v] of b.jar) next.jar.set(k, v);
        return next;
      };
      const second = await startProvider({ adminToken: 'another token entirely', data });
      try {
        assert.equal((await at(second).get('/portal')).res.status, 303, 'a session of the old token');
      } finally {
        await second.close();
      }
      const third = await startProvider({ adminToken: TOKEN, data });
      try {
        assert.equal((await at(third).get('/portal')).res.status, 200, 'control: the same token on a restarted provider keeps the session');
      } finally {
        await third.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('portal sessions on several processes (PostgreSQL + Redis)', { timeout: 120_000 }, () => {
  const schema = uniqueName('portal');
  const prefix = `${uniqueName('portal')}:`;
  const procs: ProviderProcess[] = [];
  after(async () => {
    await Promise.all(procs.map((x) => x.stop()));
    await dropSchemas(TEST_DATABASE_URL, [schema]).catch(() => undefined);
    await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]).catch(() => undefined);
  });

  test('a session opened on one process works on another; signing out on one ends it on all', async (t) => {
    const unavailable = (await postgresUnreachable()) ?? (await redisUnreachable());
    if (!requireService(t, unavailable)) return;
    const databaseUrl = withParam(TEST_DATABASE_URL, 'schema', schema);
    const redisUrl = withParam(TEST_REDIS_URL, 'prefix', prefix);
    const portA = await freePort();
    const publicUrl = `http://127.0.0.1:${portA}`;
    const args = ['--public-url', publicUrl, '--database-url', databaseUrl, '--redis-url', redisUrl, '--admin-token', TOKEN];
    const a = await spawnProvider(args, { port: portA });
    procs.push(a);
    const b = await spawnProvider(args);
    procs.push(b);

    // Signed in on A; the same cookies on B (as a load balancer would route them).
    const onA = await signIn(a.url);
    const onB = new Browser(b.url);
    for (const [k, v] of onA.jar) onB.jar.set(k, v);
    // B is reached directly, but every process has A's public URL: forms carry that Origin.
    const origin = { origin: publicUrl };
    const form = await onB.get('/portal/clients/new');
    assert.equal(form.res.status, 200, 'the session of A works on B');
    const reg = await onB.post('/portal/clients', { name: 'Across processes', scopes: 'myinfo.name', redirectUris: REDIRECT }, form.html, origin);
    assert.ok(reg.res.status === 200 || reg.res.status === 303, `B accepts A's session and B's form token: ${reg.res.status}\n${reg.html.slice(0, 300)}`);
    const formA = await onA.get('/portal/clients/new');
    assert.equal(formA.res.status, 200);

    // Sign out on B: A refuses the cookie at once.
    const list = await onB.get('/portal');
    const out = await onB.post('/portal/logout', {}, list.html, origin);
    assert.equal(out.res.status, 303);
    const refused = await onA.get('/portal');
    assert.equal(refused.res.status, 303, 'A still accepts a session signed out on B');
    const post = await onA.post('/portal/clients', { name: 'After sign-out', scopes: 'myinfo.name', redirectUris: REDIRECT }, formA.html, origin);
    assert.equal(post.res.status, 401);
  });
});
