/**
 * Signing-key rotation without downtime.
 *
 * As an operator runs it: `sgid-provider keys rotate` on the store of a running provider
 * process publishes the new key at once — the process serves it without a restart — while the
 * old key keeps signing for the whole --key-rotation-delay (the default 600 s here, so nothing
 * in the test races the delay).
 *
 * Then the switch and the retirement, on a provider whose clock the test moves: the new key
 * signs from the moment the delay has passed, a relying party that fetched the JWKS during the
 * delay (the official SDK) verifies its tokens without fetching again, and the old key leaves
 * the JWKS once the last token it signed has expired — never before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SgidClient, generatePkcePair } from '@opengovsg/sgid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { rotateKeys, signingKeyAt } from '../src/keys/key-ring.js';
import { createMemoryStore } from '../src/store/memory/index.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { TestClock } from './helpers/clock.js';
import { until } from './helpers/deadlines.js';
import { pkcePair } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import { runCli, spawnProvider } from './helpers/provider-process.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
/** The JWKS cache lifetime the README promises (`Cache-Control: public, max-age=300`). */
const README_JWKS_CACHE_CONTROL = 'public, max-age=300';
/** Any persona will do: automation mode needs one. */
const PERSONA_ID = builtInPersonas(new Date())[0]!.id;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Jwks = { keys: { kid: string }[] };

async function jwksOf(url: string): Promise<Jwks> {
  const res = await fetch(`${url}${PATHS.jwks}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), README_JWKS_CACHE_CONTROL);
  return (await res.json()) as Jwks;
}

/** A fresh ID token from a provider in automation mode (authorize answers with a code at once). */
async function mintIdToken(url: string, creds: ClientCredentials): Promise<string> {
  const pkce = await pkcePair();
  const q = new URLSearchParams({ response_type: 'code', client_id: creds.id, redirect_uri: REDIRECT, scope: 'openid', code_challenge: pkce.challenge, code_challenge_method: 'S256', nonce: 'n' });
  const res = await fetch(`${url}${PATHS.authorize}?${q}`, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${url}${PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: creds.id, client_secret: creds.secret, code_verifier: pkce.verifier }).toString(),
  });
  const body = (await token.json()) as { id_token: string };
  assert.equal(token.status, 200, JSON.stringify(body));
  return body.id_token;
}

const kidOf = (jwt: string): string => {
  const { kid } = decodeProtectedHeader(jwt);
  assert.ok(kid, 'every ID token names its key');
  return kid;
};

describe('key rotation, as an operator runs it', { timeout: 600_000 }, () => {
  it('keys rotate publishes the new key on the running process at once; the old key keeps signing during the delay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-keys-'));
    dirs.push(dir);
    const storeArgs = ['--data', join(dir, 'sgid.db')];
    const created = await runCli(['clients', 'create', '--name', 'Rotation', '--redirect-uri', REDIRECT, '--json', ...storeArgs]);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as ClientCredentials;
    const listed = async () => {
      const r = await runCli(['keys', 'list', '--json', ...storeArgs]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { kid: string; role: string; activateAt: string; removeAt: string }[];
    };
    const p = await spawnProvider([...storeArgs, '--auto-approve', PERSONA_ID]);
    try {
      const before = await jwksOf(p.url);
      assert.equal(before.keys.length, 1);
      const oldKid = before.keys[0]!.kid;
      assert.equal(kidOf(await mintIdToken(p.url, creds)), oldKid);
      assert.deepEqual((await listed()).map((k) => [k.kid, k.role]), [[oldKid, 'active']]);

      const startedAt = Date.now();
      const rotated = await runCli(['keys', 'rotate', '--key-rotation-delay', '600', '--token-ttl', '3600', ...storeArgs]);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.equal(rotated.stderr, '', 'a delay of 600 s (above the JWKS max-age of 300 s) needs no warning');
      const rows = await listed();
      const next = rows.find((r) => r.kid !== oldKid)!;
      const old = rows.find((r) => r.kid === oldKid)!;
      assert.ok(next && old, JSON.stringify(rows));
      assert.match(rotated.stdout, new RegExp(`Published key ${next.kid}; it signs from ${next.activateAt.replace(/\./g, '\\.')}`));
      assert.deepEqual([old.role, next.role], ['active', 'next']);
      // It signs 600 s after the rotation (which ran between startedAt and now), and the old
      // key is published until the last token it can sign (token TTL 3600 s) has expired.
      const activateAt = Date.parse(next.activateAt);
      assert.ok(activateAt >= startedAt + 600_000 && activateAt <= Date.now() + 600_000, `${next.activateAt} is not 600 s after the rotation`);
      assert.equal(Date.parse(old.removeAt) - activateAt, 3600_000);
      assert.equal(next.removeAt, '', 'the new key has no end');

      // The running process serves the new key without a restart (it re-reads the keys every
      // second: waited for as a condition, not timed) …
      await until('the running process publishing both keys', async () => (await jwksOf(p.url)).keys.length === 2);
      assert.deepEqual(new Set((await jwksOf(p.url)).keys.map((k) => k.kid)), new Set([oldKid, next.kid]));
      // … and the old key still signs, and will until the delay has passed.
      for (let i = 0; i < 3; i++) assert.equal(kidOf(await mintIdToken(p.url, creds)), oldKid);
      assert.ok(Date.now() < activateAt, 'the test ran within the 600 s delay');
    } finally {
      assert.equal(await p.stop(), 0);
    }
  });

  it('a delay shorter than the JWKS max-age is done, with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-keys-'));
    dirs.push(dir);
    const r = await runCli(['keys', 'rotate', '--key-rotation-delay', '2', '--token-ttl', '60', '--data', join(dir, 'sgid.db')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: --key-rotation-delay 2 s is shorter than the JWKS cache lifetime \(300 s\)/);
    assert.match(r.stdout, /^Published key /);
  });
});

describe('key rotation on a provider whose clock the test moves', () => {
  it('the new key signs from the end of the delay, a relying party that cached the JWKS meanwhile verifies it, the old key leaves once its tokens expired', async () => {
    const DELAY_S = 600;
    const TOKEN_TTL_S = 3600;
    // Never behind the real time: the official SDK checks `exp` with the real clock.
    const clock = new TestClock(Date.now());
    const provider = await startProvider({ clock, tokenTtl: TOKEN_TTL_S, autoApprove: PERSONA_ID });
    try {
      const creds = await provider.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
      const oldKid = (await jwksOf(provider.url)).keys[0]!.kid;
      assert.equal(kidOf(await mintIdToken(provider.url, creds)), oldKid);

      const next = await rotateKeys(provider.store, DELAY_S, TOKEN_TTL_S, clock.now());
      const activateAt = clock.now() + DELAY_S * 1000;
      assert.equal(next.activateAt, activateAt);
      // The process re-reads its keys once a second of its clock has passed.
      clock.advance(1_000);
      await until('the JWKS showing both keys', async () => (await jwksOf(provider.url)).keys.length === 2);
      const duringDelay = (await jwksOf(provider.url)) as JSONWebKeySet;

      // A relying party logs in during the delay: the old key signs, and it caches the JWKS.
      const sgid = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey!, redirectUri: REDIRECT, hostname: provider.url });
      const sdkLogin = async (): Promise<string> => {
        const { codeChallenge, codeVerifier } = generatePkcePair();
        const { url, nonce } = sgid.authorizationUrl({ codeChallenge, scope: 'openid myinfo.name' });
        const res = await fetch(url, { redirect: 'manual' });
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        const { sub, accessToken, idToken } = await sgid.callback({ code, codeVerifier, nonce: nonce ?? null });
        const { data } = await sgid.userinfo({ sub, accessToken });
        assert.ok(data['myinfo.name']);
        return kidOf(idToken);
      };
      assert.equal(await sdkLogin(), oldKid);

      // Up to the last millisecond of the delay the old key signs; from its end, the new one.
      clock.set(activateAt - 1);
      assert.equal(kidOf(await mintIdToken(provider.url, creds)), oldKid);
      clock.set(activateAt);
      const first = await mintIdToken(provider.url, creds);
      assert.equal(kidOf(first), next.kid);
      // It verifies with the JWKS as published during the delay …
      await jwtVerify(first, createLocalJWKSet(duringDelay), { issuer: provider.issuer, audience: creds.id, currentDate: new Date(clock.now()) });
      // … so the SDK, whose cache holds that JWKS, accepts it without fetching the JWKS again.
      const jwksFetches = async () => {
        const text = await (await fetch(`${provider.url}/metrics`)).text();
        return Number(new RegExp(`^sgid_http_request_duration_seconds_count\\{route="${PATHS.jwks.replace(/\./g, '\\.')}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      };
      const fetchedBefore = await jwksFetches();
      assert.equal(await sdkLogin(), next.kid);
      assert.equal(await jwksFetches(), fetchedBefore, 'the SDK fetched the JWKS again');

      // The old key stays published while a token it signed may be valid: until activateAt + TTL.
      const removeAt = activateAt + TOKEN_TTL_S * 1000;
      clock.set(removeAt - 1);
      assert.deepEqual(new Set((await jwksOf(provider.url)).keys.map((k) => k.kid)), new Set([oldKid, next.kid]));
      // Then it goes (the JWKS body is cached for at most a second of the clock).
      clock.set(removeAt + 1_000);
      assert.deepEqual((await jwksOf(provider.url)).keys.map((k) => k.kid), [next.kid]);
      assert.equal(kidOf(await mintIdToken(provider.url, creds)), next.kid);
    } finally {
      await provider.close();
    }
  });

  it('rotating again before the next key signs leaves no key published for ever', async () => {
    const store = createMemoryStore();
    const t0 = Date.parse('2025-03-10T00:00:00Z');
    const first = await rotateKeys(store, 0, 60, t0); // an empty store: the first key, signing at once
    const second = await rotateKeys(store, 600, 60, t0 + 5);
    const third = await rotateKeys(store, 1200, 60, t0 + 10);
    assert.equal(second.activateAt, t0 + 5 + 600_000);
    assert.equal(third.activateAt, t0 + 10 + 1_200_000);
    const keys = await store.listKeys();
    assert.equal(signingKeyAt(keys, t0 + 10)?.kid, first.kid);
    // Every key but the newest has an end: the pending one signs from its time until the newest takes over.
    const removeAt = new Map(keys.map((k) => [k.kid, k.removeAt]));
    assert.equal(removeAt.get(first.kid), second.activateAt! + 60_000);
    assert.equal(removeAt.get(second.kid), third.activateAt! + 60_000);
    assert.equal(removeAt.get(third.kid), undefined);
    assert.equal(signingKeyAt(keys, second.activateAt! - 1)?.kid, first.kid);
    assert.equal(signingKeyAt(keys, second.activateAt!)?.kid, second.kid);
    assert.equal(signingKeyAt(keys, third.activateAt!)?.kid, third.kid);
    assert.equal(signingKeyAt(keys, third.activateAt! + 60_001)?.kid, third.kid);
    await store.close();
  });
});
