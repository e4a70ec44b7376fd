/**
 * The adversarial matrix, over real HTTP: code injection and replay, redirect URI look-alikes,
 * PKCE edge cases, scope escalation, concurrent double redemption, the ID token's signature
 * and claims, and brute force of client secrets.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { PATHS, SCOPES, s256Challenge } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { createMemoryStore } from '../src/store/memory/index.js';
import type { Store } from '../src/store/types.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import {
  assertAuthorizeErrorPage,
  assertAuthorizeRedirectError,
  assertOAuthError,
  authorizeUrl,
  getUserinfo,
  grantBody,
  loginForCode,
  loginForTokens,
  postToken,
  tokenBody,
} from './helpers/oauth.js';
import type { JsonResponse } from './helpers/oauth.js';
import { STORE_PLACES, cleanupStorePlaces } from './helpers/store-places.js';
import { loginThroughWallet } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const ALL_SCOPES = SCOPES.map((s) => s.scope);

/** Look-alikes of REDIRECT that must never be accepted in its place. */
const REDIRECT_VARIANTS = [
  `${REDIRECT}?x=1`,
  `${REDIRECT}/`,
  `${REDIRECT}#frag`,
  `${REDIRECT}#`,
  'http://localhost:5001/API/redirect',
  'http://LOCALHOST:5001/api/redirect',
  'HTTP://localhost:5001/api/redirect',
  'http://localhost:5002/api/redirect',
  'http://localhost/api/redirect',
  'https://localhost:5001/api/redirect',
  'http://127.0.0.1:5001/api/redirect',
  'http://localhost:5001/api/redirect/../redirect',
  'http://localhost:5001/api/%72edirect',
  'http://localhost:5001/api/redirect%00',
  'http://localhost:5001/api/redirectx',
  'http://localhost:5001/api',
  'http://user@localhost:5001/api/redirect',
  ' http://localhost:5001/api/redirect',
  `${REDIRECT} `,
];

/**
 * Of concurrent redemptions of one code exactly one consumed it: that one got a token — then
 * revoked by the replays, so it must no longer work — or, having seen the replay itself,
 * invalid_grant "presented twice at once". Every other one is invalid_grant. (Fewer than one
 * would mean the code was lost; more, that it was spent twice.)
 */
async function assertOneRedemption(p: TestProvider, results: JsonResponse[], what: string): Promise<void> {
  const consumedIt = results.filter((r) => r.status === 200 || /presented twice at once/.test(String(r.body['error_description'])));
  assert.equal(consumedIt.length, 1, `${what}: ${consumedIt.length} redemptions consumed the code (${results.map((r) => `${r.status} ${String(r.body['error_description'] ?? '')}`).join('; ')})`);
  for (const r of results) if (r.status !== 200) assertOAuthError(r, 400, 'invalid_grant', what);
  for (const winner of results.filter((r) => r.status === 200)) {
    assertOAuthError(await getUserinfo(p, winner.body['access_token'] as string), 401, 'invalid_token', `${what}: the winner's token`);
  }
}

const decodePayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('adversarial', () => {
  let p: TestProvider;
  let a: ClientCredentials;
  let b: ClientCredentials;
  let narrow: ClientCredentials;

  before(async () => {
    p = await startProvider();
    [a, b, narrow] = await Promise.all([
      p.createClient({ name: 'Client A', scopes: ALL_SCOPES, redirectUris: [REDIRECT] }),
      p.createClient({ name: 'Client B', scopes: ALL_SCOPES, redirectUris: [REDIRECT] }),
      p.createClient({ name: 'Narrow', scopes: 'openid myinfo.name', redirectUris: [REDIRECT] }),
    ]);
  });
  after(() => p.close());

  test('code injection: a code issued to A cannot be redeemed by B, with any client_id', async () => {
    const issued = await loginForCode(p, a, { scope: 'openid myinfo.name' });
    // B authenticates as itself: the code is not B's
    assertOAuthError(await postToken(p, tokenBody(b, issued, { client_id: b.id, client_secret: b.secret })), 400, 'invalid_grant', 'B redeems A');
    // B names A's client_id with its own secret: authentication fails
    assertOAuthError(await postToken(p, tokenBody(b, issued, { client_id: a.id, client_secret: b.secret })), 401, 'invalid_client', 'B as A');
    // A's secret with B's id
    assertOAuthError(await postToken(p, tokenBody(b, issued, { client_id: b.id, client_secret: a.secret })), 401, 'invalid_client', 'A secret as B');
    // The rightful owner still can
    const ok = await postToken(p, tokenBody(a, issued));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(decodePayload(ok.body['id_token'] as string)['aud'], a.id);
  });

  test('a code replayed after its tokens were used: refused, and the token stops working', async () => {
    const { access_token, issued } = await loginForTokens(p, a, { scope: 'openid myinfo.name myinfo.email' });
    const before = await getUserinfo(p, access_token);
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(Object.keys(before.body['data'] as object).sort(), ['myinfo.email', 'myinfo.name']);
    // replay by the legitimate client and by an attacker who stole client A's code and verifier
    assertOAuthError(await postToken(p, tokenBody(a, issued)), 400, 'invalid_grant', 'replay');
    assertOAuthError(await postToken(p, tokenBody(b, issued, { client_id: b.id, client_secret: b.secret })), 400, 'invalid_grant', 'replay by B');
    assertOAuthError(await getUserinfo(p, access_token), 401, 'invalid_token', 'revoked');
  });

  test('redirect_uri look-alikes are refused at authorize (page, never redirected)', async () => {
    for (const variant of REDIRECT_VARIANTS) {
      const r = await fetch(authorizeUrl(p, a, { redirect_uri: variant, code_challenge: await s256Challenge('v'.repeat(43)) }), { redirect: 'manual' });
      assert.equal(r.status, 400, `${JSON.stringify(variant)} answered ${r.status} ${r.headers.get('location') ?? ''}`);
      assert.equal(r.headers.get('location'), null, variant);
      await r.text();
    }
  });

  test('redirect_uri look-alikes are refused at the token endpoint', async () => {
    const issued = await loginForCode(p, a);
    for (const variant of REDIRECT_VARIANTS) {
      assertOAuthError(await postToken(p, tokenBody(a, issued, { redirect_uri: variant })), 400, 'invalid_grant', JSON.stringify(variant));
    }
    // none of that burnt the code
    const ok = await postToken(p, tokenBody(a, issued));
    assert.equal(ok.status, 200, ok.text);
  });

  for (const [label, verifier] of [
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['non-ASCII', `${'a'.repeat(42)}é`],
    ['a space', `${'a'.repeat(21)} ${'a'.repeat(21)}`],
    ['"+" and "/"', `${'a'.repeat(41)}+/`],
  ] as const) {
    test(`a PKCE verifier with ${label} is refused even when its S256 matches the challenge`, async () => {
      const challenge = await s256Challenge(verifier);
      const url = authorizeUrl(p, a, { code_challenge: challenge, state: 'pkce' });
      const back = await loginThroughWallet(url);
      const code = back.searchParams.get('code')!;
      const r = await postToken(p, grantBody(a, code, verifier, REDIRECT));
      assertOAuthError(r, 400, 'invalid_grant', label);
      assert.match(r.body['error_description'] as string, /43 to 128/);
    });
  }

  test('verifiers of exactly 43 and 128 characters are accepted', async () => {
    for (const verifier of ['A'.repeat(43), `${'-._~'.repeat(31)}abcd`]) {
      assert.ok(verifier.length === 43 || verifier.length === 128);
      const url = authorizeUrl(p, a, { code_challenge: await s256Challenge(verifier) });
      const back = await loginThroughWallet(url);
      const r = await postToken(p, grantBody(a, back.searchParams.get('code')!, verifier, REDIRECT));
      assert.equal(r.status, 200, r.text);
    }
  });

  test('scope escalation: scopes outside the registration → invalid_scope; registered ones work', async () => {
    for (const scope of ['openid myinfo.nric_number', 'openid myinfo.name myinfo.nric_number', 'openid myinfo.name pocdex.public_officer_details']) {
      const loc = await assertAuthorizeRedirectError(authorizeUrl(p, narrow, { scope }), REDIRECT, 'invalid_scope');
      assert.match(loc.searchParams.get('error_description')!, /not registered/);
    }
    const { access_token } = await loginForTokens(p, narrow, { scope: 'openid myinfo.name' });
    const u = await getUserinfo(p, access_token);
    assert.deepEqual(Object.keys(u.body['data'] as object), ['myinfo.name']);
  });

  test('the data released is exactly the scopes asked for, not the client registration', async () => {
    const { access_token } = await loginForTokens(p, a, { scope: 'openid myinfo.sex' });
    const u = await getUserinfo(p, access_token);
    assert.deepEqual(Object.keys(u.body['data'] as object), ['myinfo.sex']);
  });

  test('ID token: RS256, kid in the JWKS, signature verifies; iss/aud/exp/iat/nonce as in the spec', async () => {
    const issued = await loginForCode(p, a);
    const sentAt = Math.floor(Date.now() / 1000);
    const r = await postToken(p, tokenBody(a, issued));
    const answeredAt = Math.ceil(Date.now() / 1000);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body['token_type'], 'Bearer');
    assert.equal(r.body['expires_in'], p.config.tokenTtl);
    const idToken = r.body['id_token'] as string;
    const header = decodeProtectedHeader(idToken);
    assert.equal(header.alg, 'RS256');
    assert.equal(typeof header.kid, 'string');
    const jwks = (await (await fetch(`${p.url}${PATHS.jwks}`)).json()) as { keys: { kid: string; alg?: string; use?: string; d?: string }[] };
    const key = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(key, 'the kid is in the JWKS');
    for (const k of jwks.keys) assert.equal(k.d, undefined, 'no private parts in the JWKS');

    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${p.url}${PATHS.jwks}`)), {
      issuer: `${p.url}/v2`,
      audience: a.id,
      algorithms: ['RS256'],
    });
    assert.equal(payload.iss, p.issuer);
    assert.equal(payload.aud, a.id, 'aud is a string, the client id');
    assert.equal(payload.nonce, issued.nonce);
    // Issued while the token request was in flight (however long that took).
    assert.ok(Number.isInteger(payload.iat) && payload.iat! >= sentAt && payload.iat! <= answeredAt, `iat ${payload.iat} outside [${sentAt}, ${answeredAt}]`);
    assert.equal(payload.exp! - payload.iat!, p.config.tokenTtl);
    assert.deepEqual(Object.keys(payload).sort(), ['aud', 'exp', 'iat', 'iss', 'nonce', 'sub']);

    // A tampered token does not verify: payload changed, signature kept
    const [h, , s] = idToken.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url')}.${s}`;
    await assert.rejects(jwtVerify(forged, createRemoteJWKSet(new URL(`${p.url}${PATHS.jwks}`))), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('ID token without a nonce when none was sent', async () => {
    const url = authorizeUrl(p, a, { nonce: null, code_challenge: await s256Challenge('n'.repeat(43)) });
    const back = await loginThroughWallet(url);
    const r = await postToken(p, grantBody(a, back.searchParams.get('code')!, 'n'.repeat(43), REDIRECT));
    assert.equal(r.status, 200, r.text);
    assert.equal('nonce' in decodePayload(r.body['id_token'] as string), false);
  });

  test('a token signed by someone else is not ours: the JWKS does not verify it', async () => {
    const { generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('RS256');
    const jwks = (await (await fetch(`${p.url}${PATHS.jwks}`)).json()) as { keys: { kid: string }[] };
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: jwks.keys[0]!.kid })
      .setIssuer(p.issuer)
      .setAudience(a.id)
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    await assert.rejects(jwtVerify(forged, createRemoteJWKSet(new URL(`${p.url}${PATHS.jwks}`))), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('concurrent double redemption: exactly one consumes the code, the rest invalid_grant, and no token stays usable', async () => {
    // RFC 6749 §4.1.2: a code presented twice must not leave a working token behind.
    for (let round = 0; round < 3; round++) {
      const issued = await loginForCode(p, a, { scope: 'openid myinfo.name' });
      const results = await Promise.all(Array.from({ length: 20 }, () => postToken(p, tokenBody(a, issued))));
      await assertOneRedemption(p, results, `round ${round}`);
    }
  });

  test('two concurrent redemptions (the common double-submit): exactly one consumes the code, no usable token survives', async () => {
    for (let round = 0; round < 10; round++) {
      const issued = await loginForCode(p, a, { scope: 'openid myinfo.name' });
      await assertOneRedemption(p, await Promise.all([postToken(p, tokenBody(a, issued)), postToken(p, tokenBody(a, issued))]), `round ${round}`);
    }
  });

  test('codes and tokens are stored only as hashes (a leaked store gives nothing usable)', async () => {
    const { access_token, issued } = await loginForTokens(p, a);
    const sha = (s: string) => createHash('sha256').update(s).digest('base64url');
    assert.equal(await p.store.get('token', access_token), undefined);
    assert.ok(await p.store.get('token', sha(access_token)));
    assert.equal(await p.store.get('used-code', issued.code), undefined);
  });
});

/**
 * A store whose every operation takes a little real time, as a networked store
 * (Redis, PostgreSQL) does: concurrent requests then interleave between any two store calls.
 */
function slowStore(inner: Store): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || prop === 'close') return typeof v === 'function' ? v.bind(target) : v;
      return async (...args: unknown[]) => {
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/**
 * Where the races run: the in-memory store with a delay on every call, and the real stores —
 * SQLite (with and without the delay) and PostgreSQL + Redis — over HTTP like the rest.
 */
const RACE_PLACES: { name: string; open(t: TestContext): Promise<Store | undefined> }[] = [
  { name: 'memory, every store call delayed', open: async () => slowStore(createMemoryStore()) },
  ...STORE_PLACES.map((place) => ({ name: place.name, open: async (t: TestContext) => (await place.open(t))?.store })),
  ...STORE_PLACES.filter((place) => place.name === 'SQLite').map((place) => ({
    name: `${place.name}, every store call delayed`,
    open: async (t: TestContext) => {
      const opened = await place.open(t);
      return opened && slowStore(opened.store);
    },
  })),
];
after(cleanupStorePlaces);

/** A provider on `open`'s store for one test; undefined when the test was skipped. */
async function providerOn(t: TestContext, open: (t: TestContext) => Promise<Store | undefined>): Promise<{ p: TestProvider; c: ClientCredentials } | undefined> {
  const store = await open(t);
  if (!store) return undefined;
  const p = await startProvider({ store });
  t.after(async () => {
    await p.close();
    await store.close();
  });
  return { p, c: await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] }) };
}

for (const place of RACE_PLACES) {
  describe(`concurrent redemption: ${place.name}`, () => {
    test('20 parallel (staggered) redemptions of one code, 5 times: exactly one consumes it, and no token stays usable', async (t) => {
      const on = await providerOn(t, place.open);
      if (!on) return;
      const { p, c } = on;
      for (let round = 0; round < 5; round++) {
        const issued = await loginForCode(p, c, { scope: 'openid myinfo.name' });
        // staggered over ~20 ms, so that some arrive while the winner is between its store calls
        const results = await Promise.all(
          Array.from({ length: 20 }, async (_, i) => {
            await new Promise((r) => setTimeout(r, i));
            return postToken(p, tokenBody(c, issued));
          }),
        );
        await assertOneRedemption(p, results, `${place.name}, round ${round}`);
      }
    });

    test('a second redemption that arrives while the first is between store calls is refused, and the first ends with no usable token', async (t) => {
      // The winner's consume comes back only once the second redemption has been answered (a
      // slow network round trip), after the code is already gone from the store.
      let pauseAfterConsume: Promise<void> | undefined;
      let consumed: () => void = () => undefined;
      const on = await providerOn(t, async (tt) => {
        const inner = await place.open(tt);
        if (!inner) return undefined;
        return new Proxy(inner, {
          get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (prop !== 'consume') return typeof v === 'function' ? v.bind(target) : v;
            return async (kind: string, key: string) => {
              const result = await inner.consume(kind as 'code', key);
              if (kind === 'code' && result !== undefined && pauseAfterConsume) {
                consumed();
                await pauseAfterConsume;
              }
              return result;
            };
          },
        });
      });
      if (!on) return;
      const { p, c } = on;
      const issued = await loginForCode(p, c, { scope: 'openid myinfo.name' });
      let release: () => void = () => undefined;
      pauseAfterConsume = new Promise((r) => (release = r));
      const wasConsumed = new Promise<void>((r) => (consumed = r));
      const first = postToken(p, tokenBody(c, issued));
      await wasConsumed;
      const second = await postToken(p, tokenBody(c, issued));
      release();
      pauseAfterConsume = undefined;
      assertOAuthError(second, 400, 'invalid_grant', 'second');
      // The first consumed the code: it got a token (revoked by the replay) or was told of the replay.
      await assertOneRedemption(p, [await first, second], place.name);
    });
  });
}

describe('brute force of client secrets', () => {
  let p: TestProvider;
  let victim: ClientCredentials;
  let bystander: ClientCredentials;
  before(async () => {
    p = await startProvider(); // default authFailureLimit: 10 per minute
    [victim, bystander] = await Promise.all([
      p.createClient({ scopes: 'openid', redirectUris: [REDIRECT] }),
      p.createClient({ scopes: 'openid', redirectUris: [REDIRECT] }),
    ]);
  });
  after(() => p.close());

  test('after the limit of failures for one client id: 429 with Retry-After; another client is unaffected', async () => {
    assert.equal(p.config.authFailureLimit, 10);
    const issued = await loginForCode(p, victim);
    for (let i = 0; i < p.config.authFailureLimit; i++) {
      assertOAuthError(await postToken(p, tokenBody(victim, issued, { client_secret: `wrong-${i}` })), 401, 'invalid_client', `attempt ${i + 1}`);
    }
    const blocked = await postToken(p, tokenBody(victim, issued, { client_secret: 'wrong-again' }));
    assertOAuthError(blocked, 429, 'too_many_requests', 'over the limit');
    const retry = Number(blocked.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 60, `Retry-After: ${blocked.headers.get('retry-after')}`);
    // even the right secret waits: guessing must not be confirmable during the lock
    assertOAuthError(await postToken(p, tokenBody(victim, issued)), 429, 'too_many_requests', 'right secret while locked');

    // the bystander logs in normally, and its own wrong secret is a plain 401
    const other = await loginForCode(p, bystander);
    assertOAuthError(await postToken(p, tokenBody(bystander, other, { client_secret: 'nope' })), 401, 'invalid_client', 'bystander wrong');
    const ok = await postToken(p, tokenBody(bystander, other));
    assert.equal(ok.status, 200, ok.text);
  });

  test('unknown client ids are limited per id too, without a 500', async () => {
    const body = { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, client_id: 'GUESS-1', client_secret: 'x', code_verifier: 'v'.repeat(43) };
    const statuses: number[] = [];
    for (let i = 0; i <= p.config.authFailureLimit; i++) statuses.push((await postToken(p, body)).status);
    assert.deepEqual(statuses, [...Array(p.config.authFailureLimit).fill(401), 429]);
    assert.equal((await postToken(p, { ...body, client_id: 'GUESS-2' })).status, 401);
  });
});
