/**
 * Several provider PROCESSES on one PostgreSQL + Redis (one schema, one key prefix), as
 * behind a load balancer: a login started on one process completes on another at every step,
 * in wallet mode and in automation mode, and every process publishes the same keys, so an ID
 * token from any of them verifies with the JWKS of any other.
 *
 * All processes share one public URL (process A's, as a load balancer's would be); the test
 * calls B and C directly. Schema and prefix come in the URLs (`?schema=`, `?prefix=`).
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PATHS, decryptUserinfo } from 'sgid-protocol';
import type { ClientCredentials, EncryptedUserinfo } from 'sgid-protocol';
import { builtInPersonas, makeNric } from '../src/wallet/personas/index.js';
import { DEADLINE_MS, until } from './helpers/deadlines.js';
import { pkcePair } from './helpers/oauth.js';
import { runCli, spawnProvider, withParam } from './helpers/provider-process.js';
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
import { answerInWallet, openQrPage } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const SCOPE = 'openid myinfo.name';
const PERSONA = builtInPersonas(new Date())[0]!;

interface Cluster {
  a: ProviderProcess;
  b: ProviderProcess;
  /** The public URL of every process (A's). */
  publicUrl: string;
  databaseUrl: string;
  redisUrl: string;
  creds: ClientCredentials;
}

const schema = uniqueName('multi');
const prefix = `${uniqueName('multi')}:`;
const processes: ProviderProcess[] = [];
const tempDirs: string[] = [];
let setup: Promise<Cluster> | undefined;
let unavailable: Promise<string | undefined> | undefined;

async function cluster(t: TestContext): Promise<Cluster | undefined> {
  unavailable ??= (async () => (await postgresUnreachable()) ?? (await redisUnreachable()))();
  if (!requireService(t, await unavailable)) return undefined;
  setup ??= (async () => {
    const databaseUrl = withParam(TEST_DATABASE_URL, 'schema', schema);
    const redisUrl = withParam(TEST_REDIS_URL, 'prefix', prefix);
    // The CLI on the scaled store, by flags: registers the client (and migrates the schema).
    const created = await runCli(['clients', 'create', '--name', 'Multi', '--redirect-uri', REDIRECT, '--scope', SCOPE, '--json', '--database-url', databaseUrl, '--redis-url', redisUrl]);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as ClientCredentials;
    const portA = await freePort();
    const publicUrl = `http://127.0.0.1:${portA}`;
    // A by flags, B by environment variables: both ways reach the scaled store.
    const [a, b] = await Promise.all([
      spawnProvider(['--public-url', publicUrl, '--database-url', databaseUrl, '--redis-url', redisUrl], { port: portA }),
      spawnProvider(['--public-url', publicUrl], { env: { SGID_DATABASE_URL: databaseUrl, SGID_REDIS_URL: redisUrl } }),
    ]);
    processes.push(a, b);
    return { a, b, publicUrl, databaseUrl, redisUrl, creds };
  })();
  return setup;
}

after(async () => {
  const codes = await Promise.all(processes.map((p) => p.stop()));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  if (setup) {
    await dropSchemas(TEST_DATABASE_URL, [schema]);
    await deleteRedisPrefixes(TEST_REDIS_URL, [prefix]);
  }
  // SIGTERM is a clean stop for every one of them.
  assert.deepEqual(codes, processes.map(() => 0));
});

/** The same path on another process. */
const on = (p: ProviderProcess, url: string): string => {
  const u = new URL(url);
  return `${p.url}${u.pathname}${u.search}`;
};

function authorizeQuery(creds: ClientCredentials, challenge: string, state: string, nonce: string): string {
  return new URLSearchParams({
    response_type: 'code',
    client_id: creds.id,
    redirect_uri: REDIRECT,
    scope: SCOPE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
}

async function status(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return ((await res.json()) as { status: string }).status;
}

async function redeem(p: ProviderProcess, creds: ClientCredentials, code: string, verifier: string) {
  const res = await fetch(`${p.url}${PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: creds.id,
      client_secret: creds.secret,
      code_verifier: verifier,
    }).toString(),
  });
  const body = (await res.json()) as Record<string, string>;
  assert.equal(res.status, 200, JSON.stringify(body));
  return body as { access_token: string; id_token: string };
}

async function jwksOf(p: ProviderProcess): Promise<{ keys: { kid: string }[] }> {
  const res = await fetch(`${p.url}${PATHS.jwks}`);
  assert.equal(res.status, 200);
  return (await res.json()) as { keys: { kid: string }[] };
}

/** Verifies with the JWKS served by `p`; returns the claims. */
async function verifyWith(p: ProviderProcess, c: Cluster, idToken: string, nonce: string) {
  const { payload } = await jwtVerify(idToken, createLocalJWKSet((await jwksOf(p)) as never), {
    issuer: `${c.publicUrl}/v2`,
    audience: c.creds.id,
    algorithms: ['RS256'],
  });
  assert.equal(payload['nonce'], nonce);
  assert.ok(decodeProtectedHeader(idToken).kid, 'the ID token names its key');
  return payload;
}

async function userinfoData(p: ProviderProcess, creds: ClientCredentials, accessToken: string) {
  const res = await fetch(`${p.url}${PATHS.userinfo}`, { headers: { authorization: `Bearer ${accessToken}` } });
  const body = (await res.json()) as EncryptedUserinfo & { sub: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  const key = createPrivateKey(creds.privateKey!);
  return { sub: body.sub, data: await decryptUserinfo(body, () => key as never) };
}

describe('several provider processes on PostgreSQL + Redis', { timeout: 8 * DEADLINE_MS }, () => {
  it('a login moves between processes at every step: QR on A, wallet on B, status A/B, continue B, token B, userinfo A', async (t) => {
    const c = await cluster(t);
    if (!c) return;
    const { a, b, creds } = c;
    const pkce = await pkcePair();
    const qr = await openQrPage(`${a.url}${PATHS.authorize}?${authorizeQuery(creds, pkce.challenge, 'st-1', 'n-1')}`);
    // The QR points at the public URL; the phone's request lands on B.
    assert.ok(qr.walletUrl.startsWith(`${c.publicUrl}/wallet/`), qr.walletUrl);
    assert.equal(await status(on(b, qr.statusUrl)), 'pending');
    assert.equal(await status(on(a, qr.statusUrl)), 'pending');
    const consent = await answerInWallet(on(b, qr.walletUrl), PERSONA.id, 'approve');
    assert.match(consent, /Multi/);
    assert.equal(await status(on(a, qr.statusUrl)), 'approved');
    assert.equal(await status(on(b, qr.statusUrl)), 'approved');
    const back = await fetch(on(b, qr.continueUrl), { redirect: 'manual' });
    assert.equal(back.status, 302);
    const location = new URL(back.headers.get('location')!);
    assert.equal(location.searchParams.get('state'), 'st-1');
    const code = location.searchParams.get('code')!;
    // The browser continuing again, on A: the answer was delivered once.
    assert.equal((await fetch(on(a, qr.continueUrl), { redirect: 'manual' })).status, 410);

    const tokens = await redeem(b, creds, code, pkce.verifier);
    const claims = await verifyWith(a, c, tokens.id_token, 'n-1');
    const info = await userinfoData(a, creds, tokens.access_token);
    assert.equal(info.sub, claims.sub);
    assert.deepEqual(info.data, { 'myinfo.name': PERSONA.values['myinfo.name'] });
  });

  it('a code redeemed on one process is spent on all; the pairwise sub is the same from each', async (t) => {
    const c = await cluster(t);
    if (!c) return;
    const subs: string[] = [];
    for (const [first, second] of [
      [c.a, c.b],
      [c.b, c.a],
    ] as const) {
      const pkce = await pkcePair();
      const qr = await openQrPage(`${first.url}${PATHS.authorize}?${authorizeQuery(c.creds, pkce.challenge, 's', 'n')}`);
      await answerInWallet(on(second, qr.walletUrl), PERSONA.id, 'approve');
      const back = await fetch(on(first, qr.continueUrl), { redirect: 'manual' });
      const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
      const tokens = await redeem(second, c.creds, code, pkce.verifier);
      subs.push((await verifyWith(first, c, tokens.id_token, 'n')).sub!);
      const again: Response = await fetch(`${first.url}${PATHS.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: c.creds.id, client_secret: c.creds.secret, code_verifier: pkce.verifier }).toString(),
      });
      assert.equal(again.status, 400);
      // Reuse revokes the access token issued from the code, on every process.
      const revoked = await fetch(`${second.url}${PATHS.userinfo}`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(revoked.status, 401);
    }
    assert.equal(subs[0], subs[1]);
  });

  it('every process publishes the same JWKS, and ID tokens from either verify with either', async (t) => {
    const c = await cluster(t);
    if (!c) return;
    const [ja, jb] = await Promise.all([jwksOf(c.a), jwksOf(c.b)]);
    assert.deepEqual(ja, jb);
    assert.equal(ja.keys.length, 1, 'two processes starting together on an empty store agree on one first key');
    const discoveryA = await (await fetch(`${c.a.url}${PATHS.discovery}`)).json();
    const discoveryB = await (await fetch(`${c.b.url}${PATHS.discovery}`)).json();
    assert.deepEqual(discoveryA, discoveryB);
  });

  it('automation mode across processes, and a persona added by one process is usable on another at once', async (t) => {
    const c = await cluster(t);
    if (!c) return;
    // Warm A's persona cache, so that the new persona is not there when C adds it.
    const warm = await pkcePair();
    const qr0 = await openQrPage(`${c.a.url}${PATHS.authorize}?${authorizeQuery(c.creds, warm.challenge, 's', 'n')}`);
    assert.equal((await fetch(on(c.a, qr0.walletUrl))).status, 200);

    const dir = mkdtempSync(join(tmpdir(), 'sgid-multi-'));
    tempDirs.push(dir);
    const extra = { id: makeNric('S', '7000123'), label: 'Added by process C', values: { 'myinfo.name': 'Multi Process Persona' } };
    writeFileSync(join(dir, 'personas.json'), JSON.stringify({ personas: [extra] }));
    const auto = await spawnProvider([
      '--public-url', c.publicUrl,
      '--database-url', c.databaseUrl,
      '--redis-url', c.redisUrl,
      '--auto-approve', PERSONA.id,
      '--personas', join(dir, 'personas.json'),
    ]);
    processes.push(auto);

    // Automation: C answers authorize with a code at once; A redeems it, B serves userinfo.
    const pkce = await pkcePair();
    const res = await fetch(`${auto.url}${PATHS.authorize}?${authorizeQuery(c.creds, pkce.challenge, 'st-auto', 'n-auto')}`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('state'), 'st-auto');
    const tokens = await redeem(c.a, c.creds, location.searchParams.get('code')!, pkce.verifier);
    await verifyWith(auto, c, tokens.id_token, 'n-auto');
    assert.deepEqual((await userinfoData(c.b, c.creds, tokens.access_token)).data, { 'myinfo.name': PERSONA.values['myinfo.name'] });

    // The persona C loaded at start can be chosen on A right away (A looks again on a miss).
    const pkce2 = await pkcePair();
    const qr = await openQrPage(`${c.b.url}${PATHS.authorize}?${authorizeQuery(c.creds, pkce2.challenge, 's2', 'n2')}`);
    await answerInWallet(on(c.a, qr.walletUrl), extra.id, 'approve');
    const back = await fetch(on(c.b, qr.continueUrl), { redirect: 'manual' });
    const tokens2 = await redeem(c.a, c.creds, new URL(back.headers.get('location')!).searchParams.get('code')!, pkce2.verifier);
    assert.deepEqual((await userinfoData(c.b, c.creds, tokens2.access_token)).data, { 'myinfo.name': 'Multi Process Persona' });

    // The CLI sees the same personas and clients on the scaled store, by environment variables.
    const env = { SGID_DATABASE_URL: c.databaseUrl, SGID_REDIS_URL: c.redisUrl };
    const personas = await runCli(['personas', 'list', '--json'], env);
    assert.equal(personas.code, 0, personas.stderr);
    assert.ok((JSON.parse(personas.stdout) as { id: string }[]).some((p) => p.id === extra.id));
    const clients = await runCli(['clients', 'list', '--json'], env);
    assert.equal(clients.code, 0, clients.stderr);
    assert.deepEqual((JSON.parse(clients.stdout) as { id: string }[]).map((x) => x.id), [c.creds.id]);
  });

  it('the portal: a session signed in on one process is valid on another, and a form from one is accepted by another', async (t) => {
    const c = await cluster(t);
    if (!c) return;
    // Two more processes with an admin token, behind the same public URL (a load balancer's).
    const TOKEN = 'multi-process admin token';
    const args = ['--public-url', c.publicUrl, '--database-url', c.databaseUrl, '--redis-url', c.redisUrl, '--admin-token', TOKEN];
    const [d, e] = await Promise.all([spawnProvider(args), spawnProvider(args)]);
    processes.push(d, e);
    const jar = new Map<string, string>();
    const send = async (p: ProviderProcess, path: string, form?: Record<string, string>) => {
      const res = await fetch(`${p.url}${path}`, {
        method: form ? 'POST' : 'GET',
        headers: {
          accept: 'text/html',
          ...(jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
          // The browser sends the public origin, whichever process the balancer picked.
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: c.publicUrl } : {}),
        },
        ...(form ? { body: new URLSearchParams(form).toString() } : {}),
        redirect: 'manual',
      });
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
        if (/Max-Age=0/i.test(cookie)) jar.delete(name);
        else jar.set(name, value);
      }
      return { status: res.status, location: res.headers.get('location'), html: await res.text() };
    };
    const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail(`no CSRF token in ${html.slice(0, 500)}`);

    assert.equal((await send(e, '/portal')).status, 303, 'not signed in yet: sent to sign in');
    const login = await send(d, '/portal/login');
    const signedIn = await send(d, '/portal/login', { csrf: csrfOf(login.html), token: TOKEN, next: '/portal' });
    assert.equal(signedIn.status, 303, signedIn.html.slice(0, 300));
    assert.ok(jar.has('sgid_portal_session'), 'a session cookie');

    // Signed in on D, the session works on E …
    const list = await send(e, '/portal');
    assert.equal(list.status, 200, `E did not accept D's session: ${list.status} ${list.location ?? ''}`);
    assert.match(list.html, /Sign out/);
    // … and a form loaded from D is accepted by E (its CSRF token too).
    const form = await send(d, '/portal/clients/new');
    const created = await send(e, '/portal/clients', { csrf: csrfOf(form.html), name: 'Registered across processes', scopes: 'myinfo.name', redirectUris: REDIRECT });
    assert.equal(created.status, 303, created.html.slice(0, 500));
    // The credentials page it redirects to opens on the other process too (the result waits in Redis).
    const shown = await send(d, created.location!);
    assert.equal(shown.status, 200, shown.html.slice(0, 500));
    assert.match(shown.html, /Credentials of Registered across processes/);
    assert.match((await send(d, '/portal')).html, /Registered across processes/);
  });

  it('keys rotate on the shared store: every process publishes the new key (waited for), the old one keeps signing', async (t) => {
    const c = await cluster(t);
    if (!c) return;
    const before = await jwksOf(c.a);
    assert.equal(before.keys.length, 1);
    const oldKid = before.keys[0]!.kid;
    const rotated = await runCli(['keys', 'rotate', '--key-rotation-delay', '600', '--token-ttl', '3600', '--database-url', c.databaseUrl, '--redis-url', c.redisUrl]);
    assert.equal(rotated.code, 0, rotated.stderr);
    const nextKid = /Published key (\S+);/.exec(rotated.stdout)?.[1];
    assert.ok(nextKid, rotated.stdout);
    // Each process re-reads the keys every second: a condition waited for on each, not a time measured.
    for (const p of processes.filter((x) => x.child.exitCode === null)) {
      const kids = await until(`${p.url} publishing the new key`, async (): Promise<Set<string> | false> => {
        const published = new Set((await jwksOf(p)).keys.map((k) => k.kid));
        return published.has(nextKid) && published;
      });
      assert.deepEqual(kids, new Set([oldKid, nextKid]), `${p.url}: both keys`);
    }
    // Within the 600 s delay the old key still signs, on every process.
    for (const [first, second] of [[c.a, c.b], [c.b, c.a]] as const) {
      const pkce = await pkcePair();
      const qr = await openQrPage(`${first.url}${PATHS.authorize}?${authorizeQuery(c.creds, pkce.challenge, 's', 'n-rot')}`);
      await answerInWallet(on(second, qr.walletUrl), PERSONA.id, 'approve');
      const back = await fetch(on(first, qr.continueUrl), { redirect: 'manual' });
      const tokens = await redeem(second, c.creds, new URL(back.headers.get('location')!).searchParams.get('code')!, pkce.verifier);
      assert.equal(decodeProtectedHeader(tokens.id_token).kid, oldKid);
      await verifyWith(first, c, tokens.id_token, 'n-rot');
    }
  });
});
