/**
 * Operating the provider: /healthz and /readyz, Prometheus /metrics that move with logins and
 * errors, structured JSON logs that hold no secret and no personal data, and a graceful stop
 * on SIGTERM (requests in flight finish, new connections are refused, exit code 0).
 * (/readyz with a store down is in faults.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { authorizeUrl, getUserinfo, loginForCode, loginForTokens, pkcePair, postToken, tokenBody } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { runCli, spawnProvider, withParam } from './helpers/provider-process.js';
import { DEADLINE_MS, until } from './helpers/deadlines.js';
import {
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  deleteRedisPrefixes,
  dropSchemas,
  postgresUnreachable,
  redisUnreachable,
  requireService,
  uniqueName,
} from './helpers/store-services.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const PERSONA = builtInPersonas(new Date())[0]!;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sgid-ops-'));
  dirs.push(dir);
  return join(dir, 'sgid.db');
}

/** Prometheus text → { 'name{labels}': value }. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+) (\S+)$/.exec(line);
    assert.ok(m, `not a Prometheus sample: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}
const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe('health, readiness and metrics', () => {
  let p: TestProvider;
  let creds: ClientCredentials;
  after(() => p?.close());

  it('/healthz says the process is up; /readyz that its store answers', async () => {
    p = await startProvider();
    creds = await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
    const health = await fetch(`${p.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${p.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get('cache-control'), 'no-store');
    const body = (await ready.json()) as { status: string; store: string };
    assert.equal(body.status, 'ready');
    assert.match(body.store, /^sqlite:/);
  });

  it('/readyz and the start banner name the PostgreSQL and Redis stores without their passwords', async (t) => {
    if (!requireService(t, (await postgresUnreachable()) ?? (await redisUnreachable()))) return;
    const schema = uniqueName('ops');
    const prefix = `${uniqueName('ops')}:`;
    t.after(async () => {
      await dropSchemas(TEST_DATABASE_URL, [schema]);
      await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]);
    });
    // The local services accept any password (PostgreSQL trusts, Redis has none set): what
    // matters is that the ones in the URLs are never shown.
    const withPassword = (url: string, password: string) => {
      const u = new URL(url);
      u.password = password;
      return u.href;
    };
    const databaseUrl = withParam(withPassword(TEST_DATABASE_URL, 'pg-password-4f1c'), 'schema', schema);
    const redisUrl = withParam(withPassword(TEST_REDIS_URL, 'redis-password-9b2e'), 'prefix', prefix);
    const proc = await spawnProvider(['--database-url', databaseUrl, '--redis-url', redisUrl]);
    let exit: number | string | undefined;
    try {
      const ready = await fetch(`${proc.url}/readyz`);
      const text = await ready.text();
      assert.equal(ready.status, 200, text);
      assert.match((JSON.parse(text) as { store: string }).store, /^postgres\+redis:/);
      for (const secret of ['pg-password-4f1c', 'redis-password-9b2e']) {
        assert.ok(!text.includes(secret), `/readyz shows a password: ${text}`);
        assert.ok(!proc.stdout.join('\n').includes(secret), `the banner shows a password: ${proc.stdout.join('\n')}`);
      }
      assert.match(proc.stdout.join('\n'), /store\s+postgres\+redis:/);
    } finally {
      exit = await proc.stop();
    }
    assert.equal(exit, 0);
    for (const secret of ['pg-password-4f1c', 'redis-password-9b2e']) assert.ok(!proc.stderr.join('\n').includes(secret), 'a password in the logs');
  });

  it('/metrics: logins started and completed, errors by OAuth code, latency per endpoint all move', async () => {
    const m0 = await scrape(p.url);
    const tokenRoute = `route="${PATHS.token}"`;
    const { access_token } = await loginForTokens(p, creds, { scope: 'openid myinfo.name' });
    assert.equal((await getUserinfo(p, access_token)).status, 200);
    const m1 = await scrape(p.url);
    assert.equal(value(m1, 'sgid_logins_started_total') - value(m0, 'sgid_logins_started_total'), 1);
    assert.equal(value(m1, 'sgid_logins_completed_total') - value(m0, 'sgid_logins_completed_total'), 1);
    assert.equal(value(m1, `sgid_http_request_duration_seconds_count{${tokenRoute}}`) - value(m0, `sgid_http_request_duration_seconds_count{${tokenRoute}}`), 1);
    assert.equal(value(m1, `sgid_http_request_duration_seconds_count{route="${PATHS.authorize}"}`), 1);
    assert.ok(value(m1, `sgid_http_request_duration_seconds_sum{${tokenRoute}}`) > 0);
    assert.equal(value(m1, `sgid_http_request_duration_seconds_bucket{${tokenRoute},le="+Inf"}`), value(m1, `sgid_http_request_duration_seconds_count{${tokenRoute}}`));
    // The route pattern is the label, never the URL (which would carry login ids and secrets).
    assert.ok(value(m1, `sgid_http_request_duration_seconds_count{route="${PATHS.authorize}/:login/status"}`) >= 1);
    assert.ok(![...m1.keys()].some((k) => k.includes('?') || k.includes(creds.id)));

    // Errors, counted by their OAuth code.
    const issued = await loginForCode(p, creds);
    assert.equal((await postToken(p, tokenBody(creds, issued, { client_secret: 'wrong' }))).status, 401);
    assert.equal((await postToken(p, tokenBody(creds, issued, { code: 'not-a-code' }))).status, 400);
    assert.equal((await postToken(p, tokenBody(creds, issued, { code: 'still-not-a-code' }))).status, 400);
    assert.equal((await getUserinfo(p, 'nope')).status, 401);
    const m2 = await scrape(p.url);
    const moved = (code: string) => value(m2, `sgid_errors_total{error="${code}"}`) - value(m1, `sgid_errors_total{error="${code}"}`);
    assert.equal(moved('invalid_client'), 1);
    assert.equal(moved('invalid_grant'), 2);
    assert.equal(moved('invalid_token'), 1);
    assert.equal(value(m2, 'sgid_logins_started_total') - value(m1, 'sgid_logins_started_total'), 1);
  });
});

describe('logs', { timeout: 4 * DEADLINE_MS }, () => {
  it('are JSON lines without secrets or personal data, through good and failing logins', async () => {
    const data = tempData();
    const created = await runCli(['clients', 'create', '--name', 'Logs', '--redirect-uri', REDIRECT, '--scope', 'openid myinfo.name myinfo.nric_number', '--json', '--data', data]);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as ClientCredentials;
    const proc = await spawnProvider(['--data', data, '--log-level', 'info']);
    const secrets: string[] = [creds.secret, creds.privateKey!.split('\n')[1]!, PERSONA.id, PERSONA.values['myinfo.name']!];
    let exit: number | string | undefined;
    try {
      const tp = { url: proc.url } as TestProvider;
      // A good login, with data.
      const good = await loginForTokens(tp, creds, { scope: 'openid myinfo.name myinfo.nric_number', personaId: PERSONA.id });
      secrets.push(good.access_token, good.id_token, good.issued.code, good.issued.pkce.verifier);
      assert.equal((await getUserinfo(tp, good.access_token)).status, 200);
      // The poll secret of a login, then failing requests of every kind.
      const pkce = await pkcePair();
      const qrRes = await fetch(authorizeUrl(tp, creds, { code_challenge: pkce.challenge }));
      const t = decodeURIComponent(/data-status-url="[^"]*\?t=([^"&]+)"/.exec(await qrRes.text())![1]!);
      secrets.push(t);
      assert.equal((await postToken(tp, tokenBody(creds, good.issued))).status, 400); // code reused
      assert.equal((await getUserinfo(tp, good.access_token)).status, 401); // revoked by the reuse
      const other = await loginForCode(tp, creds, { personaId: PERSONA.id });
      secrets.push(other.code);
      assert.equal((await postToken(tp, tokenBody(creds, other, { client_secret: `${creds.secret}x` }))).status, 401);
      assert.equal((await postToken(tp, tokenBody(creds, other, { code_verifier: 'v'.repeat(43) }))).status, 400);
      // The secret in an Authorization header instead (whatever the answer, it must not be logged).
      await postToken(tp, tokenBody(creds, other, { client_secret: null }), { authorization: `Basic ${Buffer.from(`${creds.id}:${creds.secret}`).toString('base64')}` });
      assert.equal((await getUserinfo(tp, `${good.access_token}x`)).status, 401);
      assert.equal((await fetch(`${proc.url}${PATHS.authorize}?client_id=unknown&redirect_uri=${encodeURIComponent(REDIRECT)}`)).status, 400);
      await fetch(`${proc.url}${PATHS.authorize}/nope/status?t=${encodeURIComponent(t)}`);
      await fetch(`${proc.url}${PATHS.authorize}/nope/continue?t=${encodeURIComponent(t)}`);
      assert.ok((await fetch(`${proc.url}/wallet/nope/consent?persona=${PERSONA.id}`)).status >= 400);
      await fetch(`${proc.url}/no/such/page?code=${other.code}`);
    } finally {
      exit = await proc.stop();
    }
    assert.equal(exit, 0);

    // stdout starts with the human banner (an interactive convenience); everything else is JSON.
    const banner = proc.stdout.findIndex((l) => l.startsWith('sgID provider listening on'));
    assert.ok(banner >= 0, proc.stdout.join('\n'));
    const lines = [...proc.stdout.filter((l, i) => !(i === banner || (i > banner && l.startsWith('  ')))), ...proc.stderr].filter((l) => l.trim() !== '');
    assert.ok(lines.length >= 5, `expected log lines, got:\n${lines.join('\n')}`);
    const records = lines.map((l) => {
      try {
        return JSON.parse(l) as { level: number; msg: string; status?: number };
      } catch {
        assert.fail(`not a JSON log line: ${l}`);
      }
    });
    for (const r of records) {
      assert.equal(typeof r.level, 'number');
      assert.equal(typeof r.msg, 'string');
    }
    assert.ok(records.some((r) => r.msg === 'refused' && r.status === 401), 'refused requests are logged');
    const all = [...proc.stdout, ...proc.stderr].join('\n');
    for (const s of secrets) {
      assert.ok(s.length >= 8);
      assert.ok(!all.includes(s), `the logs hold a secret or personal value: ${s.slice(0, 12)}…`);
    }
    // Persona values beyond name and NRIC: none of them.
    for (const v of Object.values(PERSONA.values)) if (v && v.length >= 8) assert.ok(!all.includes(v), `persona value in logs: ${v}`);
  });
});

describe('graceful shutdown', { timeout: 4 * DEADLINE_MS }, () => {
  it('on SIGTERM a request in flight completes, new connections are refused, the exit code is 0', async () => {
    const data = tempData();
    const created = await runCli(['clients', 'create', '--name', 'Stop', '--redirect-uri', REDIRECT, '--json', '--data', data]);
    const creds = JSON.parse(created.stdout) as ClientCredentials;
    const proc = await spawnProvider(['--data', data, '--auto-approve', PERSONA.id]);
    const tp = { url: proc.url } as TestProvider;
    const pkce = await pkcePair();
    const res = await fetch(authorizeUrl(tp, creds, { code_challenge: pkce.challenge }), { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: creds.id, client_secret: creds.secret, code_verifier: pkce.verifier }).toString();

    // A slow client: the token request's headers go first, with `Expect: 100-continue`, so
    // the provider's "100 Continue" tells the test that the request has arrived (no sleeping) …
    const socket = net.connect(proc.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let answer = '';
    let arrived: () => void = () => undefined;
    const continued = new Promise<void>((resolve) => (arrived = resolve));
    socket.setEncoding('utf8').on('data', (d: string) => {
      answer += d;
      if (answer.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) arrived();
    });
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const half = Math.floor(body.length / 2);
    socket.write(
      `POST ${PATHS.token} HTTP/1.1\r\nHost: 127.0.0.1:${proc.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    await continued;
    socket.write(body.slice(0, half));
    // … and half its body is sent when the process is told to stop.
    proc.child.kill('SIGTERM');
    // New connections are refused once it stops listening (waited for, not timed) …
    await until('new connections refused after SIGTERM', async () =>
      fetch(`${proc.url}/healthz`).then(
        () => false,
        (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED',
      ),
    );
    // … while the request in flight keeps the process alive and is answered in full.
    assert.equal(proc.child.exitCode, null, 'it waits for the request in flight');
    socket.write(body.slice(half));
    await ended;
    assert.match(answer, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /, answer);
    assert.match(answer, /"access_token":"/);
    assert.equal(await proc.exited, 0);
  });
});
