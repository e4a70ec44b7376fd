/**
 * Signing-key rotation without downtime, run as an operator would: `sgid-provider keys rotate`
 * on the store of a running provider process. The new key is published first, signs once
 * --key-rotation-delay has passed, and the old key leaves the JWKS once every token it signed
 * has expired; a relying party (the official SDK) keeps working throughout.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SgidClient, generatePkcePair } from '@opengovsg/sgid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { JWKS_MAX_AGE, rotateKeys, signingKeyAt } from '../src/keys/key-ring.js';
import { createMemoryStore } from '../src/store/memory/index.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { pkcePair } from './helpers/oauth.js';
import { runCli, spawnProvider } from './helpers/provider-process.js';
import { sleep } from './helpers/store-services.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const DELAY_S = 2;
const TOKEN_TTL_S = 3;
const PERSONA = builtInPersonas(new Date())[0]!;

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function until<T>(what: string, timeoutMs: number, get: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('key rotation on a running provider', { timeout: 40_000 }, () => {
  it('publishes the new key first, switches after the delay, retires the old key after the tokens expire', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-keys-'));
    dirs.push(dir);
    const data = join(dir, 'sgid.db');
    const storeArgs = ['--data', data];
    const created = await runCli(['clients', 'create', '--name', 'Rotation', '--redirect-uri', REDIRECT, '--json', ...storeArgs]);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as ClientCredentials;
    const p = await spawnProvider([...storeArgs, '--auto-approve', PERSONA.id, '--token-ttl', String(TOKEN_TTL_S)]);
    try {
      const issuer = `${p.url}/v2`;
      const jwks = async () => {
        const res = await fetch(`${p.url}${PATHS.jwks}`);
        assert.equal(res.headers.get('cache-control'), `public, max-age=${JWKS_MAX_AGE}`);
        return (await res.json()) as { keys: { kid: string }[] };
      };
      /** A fresh ID token (automation mode: authorize answers with a code at once); returns its kid. */
      const mint = async () => {
        const pkce = await pkcePair();
        const q = new URLSearchParams({ response_type: 'code', client_id: creds.id, redirect_uri: REDIRECT, scope: 'openid', code_challenge: pkce.challenge, code_challenge_method: 'S256', nonce: 'n' });
        const res = await fetch(`${p.url}${PATHS.authorize}?${q}`, { redirect: 'manual' });
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        const token = await fetch(`${p.url}${PATHS.token}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: creds.id, client_secret: creds.secret, code_verifier: pkce.verifier }).toString(),
        });
        const body = (await token.json()) as { id_token: string };
        const { kid } = decodeProtectedHeader(body.id_token);
        assert.ok(kid, 'every ID token names its key');
        // It verifies with the JWKS served right now.
        await jwtVerify(body.id_token, createLocalJWKSet((await jwks()) as never), { issuer, audience: creds.id });
        return kid;
      };

      const before = await jwks();
      assert.equal(before.keys.length, 1);
      const oldKid = before.keys[0]!.kid;
      assert.equal(await mint(), oldKid);

      const rotated = await runCli(['keys', 'rotate', '--key-rotation-delay', String(DELAY_S), '--token-ttl', String(TOKEN_TTL_S), ...storeArgs]);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stderr, /warning: --key-rotation-delay 2 s is shorter than the JWKS cache lifetime/);
      const listed = await runCli(['keys', 'list', '--json', ...storeArgs]);
      const rows = JSON.parse(listed.stdout) as { kid: string; role: string; activateAt: string; removeAt: string }[];
      const next = rows.find((r) => r.kid !== oldKid)!;
      const old = rows.find((r) => r.kid === oldKid)!;
      assert.deepEqual([old.role, next.role], ['active', 'next']);
      const activateAt = Date.parse(next.activateAt);
      const removeAt = Date.parse(old.removeAt);
      assert.equal(removeAt - activateAt, TOKEN_TTL_S * 1000);
      assert.match(rotated.stdout, new RegExp(`Published key ${next.kid}`));

      // Both keys are published at once, well before the new one signs (the ring reloads every second).
      await until('the JWKS showing both keys', 1_800, async () => ((await jwks()).keys.length === 2 ? true : undefined));
      assert.ok(Date.now() < activateAt, 'the new key was published before it signs');
      assert.deepEqual(new Set((await jwks()).keys.map((k) => k.kid)), new Set([oldKid, next.kid]));

      // A relying party that fetches the JWKS during the delay (as max-age makes it do) …
      const sgid = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey!, redirectUri: REDIRECT, hostname: p.url });
      const sdkLogin = async () => {
        const { codeChallenge, codeVerifier } = generatePkcePair();
        const { url, nonce } = sgid.authorizationUrl({ codeChallenge, scope: 'openid myinfo.name' });
        const res = await fetch(url, { redirect: 'manual' });
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        const { sub, accessToken, idToken } = await sgid.callback({ code, codeVerifier, nonce: nonce ?? null });
        const { data } = await sgid.userinfo({ sub, accessToken });
        assert.equal(data['myinfo.name'], PERSONA.values['myinfo.name']);
        return decodeProtectedHeader(idToken).kid;
      };
      assert.equal(await sdkLogin(), oldKid);

      // Until the delay has passed, the old key signs.
      while (Date.now() < activateAt - 250) {
        assert.equal(await mint(), oldKid);
        await sleep(150);
      }
      await sleep(Math.max(0, activateAt - Date.now()) + 50);
      // Then the new one, at once (the switch is by the clock, not by the reload).
      assert.equal(await mint(), next.kid);
      // … still verifies: its cached JWKS already holds the new key.
      assert.equal(await sdkLogin(), next.kid);
      assert.equal((await jwks()).keys.length, 2, 'the old key stays published while its tokens may be in use');

      // The old key leaves the JWKS once the last token it signed has expired.
      await sleep(Math.max(0, removeAt - Date.now() - 300));
      assert.ok((await jwks()).keys.some((k) => k.kid === oldKid), 'not removed before removeAt');
      await until('the old key leaving the JWKS', 2_500, async () => ((await jwks()).keys.length === 1 ? true : undefined));
      assert.deepEqual((await jwks()).keys.map((k) => k.kid), [next.kid]);
      assert.ok(Date.now() >= removeAt);
      assert.equal(await mint(), next.kid);
    } finally {
      assert.equal(await p.stop(), 0);
    }
  });

  it('rotating again before the next key signs leaves no key published for ever', async () => {
    const store = createMemoryStore();
    const first = await rotateKeys(store, 0, 60); // an empty store: the first key, signing now
    await sleep(5);
    const second = await rotateKeys(store, 600, 60);
    const third = await rotateKeys(store, 1200, 60);
    const keys = await store.listKeys();
    assert.equal(signingKeyAt(keys, Date.now())?.kid, first.kid);
    // Every key but the newest has an end: the pending one signs from its time until the newest takes over.
    const removeAt = new Map(keys.map((k) => [k.kid, k.removeAt]));
    assert.equal(removeAt.get(first.kid), second.activateAt! + 60_000);
    assert.equal(removeAt.get(second.kid), third.activateAt! + 60_000);
    assert.equal(removeAt.get(third.kid), undefined);
    assert.equal(signingKeyAt(keys, second.activateAt! + 1)?.kid, second.kid);
    assert.equal(signingKeyAt(keys, third.activateAt! + 1)?.kid, third.kid);
    assert.equal(signingKeyAt(keys, third.activateAt! + 60_001)?.kid, third.kid);
    await store.close();
  });
});
