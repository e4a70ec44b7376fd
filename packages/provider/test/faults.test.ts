/**
 * Faults at the HTTP level: a provider process on PostgreSQL + Redis, each reached through a
 * TCP proxy that the test shuts and reopens. While a service is away, endpoints answer 503
 * `temporarily_unavailable` (browser pages: a readable 503 page), /readyz says 503, /healthz
 * and the JWKS (keys held in memory) still answer, and the process lives on. When the service
 * returns the provider recovers by itself — a full login works — and nothing durable is lost.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { authorizeUrl, getUserinfo, loginForCode, loginForTokens, pkcePair, postToken, tokenBody } from './helpers/oauth.js';
import { asJson } from './helpers/oauth.js';
import type { JsonResponse } from './helpers/oauth.js';
import type { TestProvider } from './helpers/provider.js';
import { runCli, spawnProvider, withParam } from './helpers/provider-process.js';
import type { ProviderProcess } from './helpers/provider-process.js';
import {
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  TcpProxy,
  deleteRedisPrefixes,
  dropSchemas,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  uniqueName,
} from './helpers/store-services.js';
import { openQrPage } from './helpers/wallet-flow.js';
import { DEADLINE_MS, until } from './helpers/deadlines.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const PERSONA = builtInPersonas(new Date())[0]!;

function assertUnavailable(r: JsonResponse, what: string): void {
  assert.equal(r.status, 503, `${what}: ${r.status} ${r.text}`);
  assert.equal(r.body['error'], 'temporarily_unavailable', `${what}: ${r.text}`);
  assert.equal(r.headers.get('cache-control'), 'no-store', what);
}

const json = async (url: string, init?: RequestInit): Promise<JsonResponse> => asJson(await fetch(url, init));


async function assertUnavailablePage(url: string, what: string): Promise<void> {
  const res = await fetch(url, { redirect: 'manual' });
  const html = await res.text();
  assert.equal(res.status, 503, `${what}: ${res.status} ${html.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/, what);
  assert.match(html, /Temporarily unavailable/, what);
  assert.doesNotMatch(html, /at \w+ \(|node_modules|StoreUnavailableError/, `${what}: no stack trace on the page`);
}

const schema = uniqueName('faults');
const prefix = `${uniqueName('faults')}:`;
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe('HTTP behaviour while PostgreSQL or Redis is away', { timeout: 4 * DEADLINE_MS }, () => {
  it('503 temporarily_unavailable while away, /readyz 503, the process lives on and recovers by itself', async (t) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const { proxy: pgProxy, url: pgUrl } = await TcpProxy.inFrontOf(TEST_DATABASE_URL, 5432);
    const { proxy: redisProxy, url: redisUrl } = await TcpProxy.inFrontOf(TEST_REDIS_URL, 6379);
    cleanups.push(
      () => pgProxy.stop(),
      () => redisProxy.stop(),
      () => dropSchemas(TEST_DATABASE_URL, [schema]),
      () => deleteRedisPrefixes(TEST_REDIS_URL, [prefix]),
    );
    const storeArgs = [
      '--database-url', withParam(pgUrl, 'schema', schema),
      '--redis-url', withParam(redisUrl, 'prefix', prefix),
    ];
    const created = await runCli(['clients', 'create', '--name', 'Faults', '--redirect-uri', REDIRECT, '--scope', 'openid myinfo.name', '--json', ...storeArgs]);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as ClientCredentials;
    const proc: ProviderProcess = await spawnProvider([...storeArgs, '--log-level', 'info']);
    cleanups.push(() => proc.stop());
    const tp = { url: proc.url } as TestProvider;
    const secrets: string[] = [creds.secret];

    const fullLogin = async () => {
      const { access_token, id_token } = await loginForTokens(tp, creds, { scope: 'openid myinfo.name', personaId: PERSONA.id });
      secrets.push(access_token, id_token);
      const info = await getUserinfo(tp, access_token);
      assert.equal(info.status, 200, info.text);
      return access_token;
    };
    await fullLogin();
    // Records in flight when the services go away.
    const pendingCode = await loginForCode(tp, creds, { personaId: PERSONA.id });
    const liveToken = await fullLogin();
    const pkce = await pkcePair();
    const qr = await openQrPage(authorizeUrl(tp, creds, { code_challenge: pkce.challenge }));
    secrets.push(pendingCode.code);

    const checkDown = async (which: string) => {
      assertUnavailable(await postToken(tp, tokenBody(creds, pendingCode)), `${which}: token`);
      await assertUnavailablePage(authorizeUrl(tp, creds, { code_challenge: pkce.challenge }), `${which}: authorize`);
      const wallet = new URL(qr.walletUrl);
      await assertUnavailablePage(`${proc.url}${wallet.pathname}`, `${which}: wallet page`);
      const ready = await json(`${proc.url}/readyz`);
      assert.equal(ready.status, 503, `${which}: /readyz ${ready.text}`);
      assert.equal(ready.body['status'], 'unavailable');
      assert.match(String(ready.body['error_description']), which === 'redis' ? /Redis/ : /PostgreSQL/);
      assert.equal((await fetch(`${proc.url}/healthz`)).status, 200, `${which}: the process is up`);
      // Keys are held in memory: the JWKS and discovery still answer.
      assert.equal((await fetch(`${proc.url}${PATHS.jwks}`)).status, 200, `${which}: jwks`);
      assert.equal((await fetch(`${proc.url}${PATHS.discovery}`)).status, 200, `${which}: discovery`);
      assert.equal(proc.child.exitCode, null, `${which}: the process did not die`);
    };

    // Redis away: everything short-lived (logins, codes, tokens) is out of reach.
    await redisProxy.stop();
    await checkDown('redis');
    const userinfo = await getUserinfo(tp, liveToken);
    assertUnavailable(userinfo, 'redis: userinfo');
    assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="temporarily_unavailable"/);
    assertUnavailable(await json(qr.statusUrl.replace(new URL(qr.statusUrl).origin, proc.url)), 'redis: status');

    // PostgreSQL away as well, then alone.
    await pgProxy.stop();
    await checkDown('postgresql');
    await redisProxy.start();
    // Redis reconnects by itself (it retries every 2 s or so): waited for, then only PostgreSQL is away.
    await until(`/readyz naming only PostgreSQL once Redis is back`, async () => {
      const r = await json(`${proc.url}/readyz`);
      const said = String(r.body['error_description']);
      return r.status === 503 && /PostgreSQL/.test(said) && !/Redis/.test(said);
    });
    await checkDown('postgresql');

    // Both back: the provider recovers by itself.
    await pgProxy.start();
    await until('/readyz answering 200 again', async () => (await fetch(`${proc.url}/readyz`)).status === 200);
    // Nothing durable was lost: the same client logs in; what was in flight still is.
    await fullLogin();
    const r = await postToken(tp, tokenBody(creds, pendingCode));
    assert.equal(r.status, 200, `a code issued before the outage is still good: ${r.text}`);
    secrets.push(String(r.body['access_token']));
    assert.equal((await getUserinfo(tp, liveToken)).status, 200);
    const listed = await runCli(['clients', 'list', '--json', ...storeArgs]);
    assert.deepEqual((JSON.parse(listed.stdout) as { id: string }[]).map((c) => c.id), [creds.id]);

    assert.equal(await proc.stop(), 0);
    // The outage was logged as JSON, naming the store (no credentials), and without secrets.
    const logs = [...proc.stdout, ...proc.stderr].filter((l) => l.startsWith('{'));
    const records = logs.map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string });
    const outage = records.filter((r) => r.msg === 'store unavailable');
    assert.ok(outage.length > 0, 'the 503s were logged');
    for (const r of outage) {
      assert.equal(r.level, 40, 'a warning, not an error with a stack');
      assert.match(r.reason ?? '', /^(Redis|PostgreSQL) unavailable \((redis|postgres):\/\/127\.0\.0\.1:\d+/);
    }
    const all = [...proc.stdout, ...proc.stderr].join('\n');
    for (const s of secrets) assert.ok(!all.includes(s), `a secret in the logs: ${s.slice(0, 10)}…`);
    assert.ok(!all.includes(PERSONA.values['myinfo.name']!));
  });
});

describe('starting against a store that cannot be reached', () => {
  it('fails at once with a clear message naming the URL without its password, and no stack trace', async () => {
    const closedPg = `postgres://sgid:hunter2-secret@127.0.0.1:1/sgid?schema=x`;
    const closedRedis = 'redis://:redis-secret@127.0.0.1:1';
    const pg = await runCli(['start', '--port', '0', '--host', '127.0.0.1', '--database-url', closedPg, '--redis-url', TEST_REDIS_URL]);
    assert.equal(pg.code, 1, pg.stdout + pg.stderr);
    assert.match(pg.stderr, /^error: cannot open the store: PostgreSQL unavailable \(postgres:\/\/127\.0\.0\.1:1\/sgid#x\): /);
    assert.match(pg.stderr, /--database-url \/ SGID_DATABASE_URL/);
    // Both at once, from the environment.
    const both = await runCli(['start', '--port', '0', '--host', '127.0.0.1'], { SGID_DATABASE_URL: closedPg, SGID_REDIS_URL: closedRedis });
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^error: cannot open the store: (PostgreSQL|Redis) unavailable \((postgres|redis):\/\/127\.0\.0\.1:1/);
    for (const r of [pg, both]) {
      assert.doesNotMatch(r.stderr, /hunter2|redis-secret/, 'no password');
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
      assert.ok(r.stderr.trim().split('\n').length <= 3, r.stderr);
    }
  });
});
