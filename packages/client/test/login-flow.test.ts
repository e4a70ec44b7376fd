/** The login-flow helper: Web Request/Response, the Express adapter with a real Express app, and the Next.js routes. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { SgidClient, createLoginFlow, expressLoginHandlers, nextLoginRoutes, SgidLoginError, readCookie } from 'sgid-client';
import { startStubProvider, type StubProvider } from './helpers/stub-provider.ts';

const require = createRequire(import.meta.url);
const SECRET = 'a-test-secret-of-at-least-32-characters!';
let stub: StubProvider;
before(async () => {
  stub = await startStubProvider();
});
after(() => stub.close());

const makeFlow = (redirectUri = stub.redirectUri, extra = {}) =>
  createLoginFlow({
    client: new SgidClient({ clientId: stub.clientId, clientSecret: stub.clientSecret, privateKey: stub.privateKey, hostname: stub.url, redirectUri }),
    secret: SECRET,
    scope: ['openid', 'myinfo.name', 'myinfo.vehicles'],
    ...extra,
  });

/** The browser's part: follow the 302 to sgID, come back with code+state, carrying the cookie. */
async function browse(start: Response): Promise<{ callbackUrl: string; cookie: string }> {
  assert.equal(start.status, 302);
  const setCookie = start.headers.get('set-cookie')!;
  assert.match(setCookie, /^sgid_login=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
  const { code, state } = await stub.authorize(start.headers.get('location')!);
  const callbackUrl = `${stub.redirectUri}?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state!)}`;
  return { callbackUrl, cookie: setCookie.split(';')[0]! };
}

test('web flow: start → sgID → finish gives { sub, data }, no server-side store', async () => {
  const flow = makeFlow();
  const start = await flow.start(undefined, { returnTo: '/account' });
  const sentToSgid = new URL(start.headers.get('location')!);
  const { callbackUrl, cookie } = await browse(start);
  const result = await flow.finish(new Request(callbackUrl, { headers: { cookie } }));
  assert.equal(result.sub, 'stub-sub-123');
  assert.equal(result.data['myinfo.name'], 'Tan Ah Kow 陈');
  assert.equal(result.parsed['myinfo.vehicles']?.[0]?.vehicle_number, 'SBA1234A');
  assert.equal(result.returnTo, '/account');
  // The secrets are replaced by a finished-login marker (encrypted, no verifier or nonce).
  assert.match(result.setCookie, /^sgid_login=[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
  assert.notEqual(result.setCookie.split(';')[0], cookie);
  // The cookie is a JWE encrypted with a key derived from the secret (dir + A256GCM): header,
  // no wrapped key, a 96-bit IV, ciphertext and a 128-bit tag …
  const value = readCookie(cookie, 'sgid_login')!;
  const [header, wrappedKey, iv, ciphertext, tag] = value.split('.');
  assert.equal(value.split('.').length, 5);
  assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'dir', enc: 'A256GCM' });
  assert.equal(wrappedKey, '');
  assert.equal(Buffer.from(iv!, 'base64url').length, 12);
  assert.equal(Buffer.from(tag!, 'base64url').length, 16);
  // … and what it keeps for the callback — the state and nonce sent to sgID, the redirect URI,
  // the return path — is nowhere in it, neither as sent nor once the segments are decoded.
  const kept = [sentToSgid.searchParams.get('state')!, sentToSgid.searchParams.get('nonce')!, stub.redirectUri, '/account'];
  assert.ok(kept[0]!.length >= 16 && kept[1]!.length >= 16, 'state and nonce are random');
  const decoded = value.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'));
  for (const secret of kept) {
    for (const where of [value, ...decoded]) assert.ok(!where.includes(secret), `the login cookie carries ${secret} in clear`);
  }
  assert.ok(Buffer.from(ciphertext!, 'base64url').length >= kept.join('').length, 'the ciphertext is as long as what it hides');
  // Only the flow's secret opens it: the same cookie under another secret is refused.
  const other = makeFlow(stub.redirectUri, { secret: 'another-secret-of-at-least-32-characters' });
  await assert.rejects(other.finish(new Request(callbackUrl, { headers: { cookie } })), (e: unknown) => e instanceof SgidLoginError && e.code === 'ERR_LOGIN_COOKIE_INVALID');
});

test('web flow refuses: state mismatch, missing / tampered / foreign / expired cookie, provider error, no code', async () => {
  const flow = makeFlow();
  const { callbackUrl, cookie } = await browse(await flow.start());
  const expectCode = (code: string) => (e: unknown) => e instanceof SgidLoginError && e.code === code;
  const forged = callbackUrl.replace(/state=[^&]+/, 'state=forged');
  await assert.rejects(flow.finish(new Request(forged, { headers: { cookie } })), expectCode('ERR_STATE_MISMATCH'));
  await assert.rejects(flow.finish(new Request(callbackUrl)), expectCode('ERR_LOGIN_COOKIE_MISSING'));
  const tampered = cookie.slice(0, -3) + (cookie.endsWith('AAA') ? 'BBB' : 'AAA');
  await assert.rejects(flow.finish(new Request(callbackUrl, { headers: { cookie: tampered } })), expectCode('ERR_LOGIN_COOKIE_INVALID'));
  const otherSecret = createLoginFlow({ client: new SgidClient({ clientId: 'x', clientSecret: 'y', privateKey: stub.privateKey, hostname: stub.url, redirectUri: stub.redirectUri }), secret: 'another-secret-of-at-least-32-characters' });
  await assert.rejects(otherSecret.finish(new Request(callbackUrl, { headers: { cookie } })), expectCode('ERR_LOGIN_COOKIE_INVALID'));
  await assert.rejects(flow.finish(new Request(`${stub.redirectUri}?error=access_denied&error_description=user%20declined&state=x`, { headers: { cookie } })), (e: unknown) => e instanceof SgidLoginError && e.code === 'ERR_AUTHORIZATION_ERROR' && e.message === 'access_denied (user declined)');
  const noCode = callbackUrl.replace(/code=[^&]+&/, '');
  await assert.rejects(flow.finish(new Request(noCode, { headers: { cookie } })), expectCode('ERR_MISSING_CODE'));
  // Expired: a flow with maxAge 1 s, finished 2 s later.
  const short = makeFlow(stub.redirectUri, { maxAge: 1 });
  const started = await short.begin();
  const expiredCookie = started.setCookie.split(';')[0]!;
  await new Promise((r) => setTimeout(r, 2100));
  await assert.rejects(short.finish(new Request(`${stub.redirectUri}?code=x&state=y`, { headers: { cookie: expiredCookie } })), expectCode('ERR_LOGIN_EXPIRED'));
  // The original login still completes (the failures above did not consume the code).
  assert.equal((await flow.finish(new Request(callbackUrl, { headers: { cookie } }))).sub, 'stub-sub-123');
});

test('Back after a finished login: the second return is ERR_LOGIN_ALREADY_FINISHED and keeps the marker', async () => {
  const flow = makeFlow();
  const start = await flow.start(undefined, { returnTo: '/account' });
  const sentToSgid = new URL(start.headers.get('location')!);
  const { callbackUrl, cookie } = await browse(start);
  const result = await flow.finish(new Request(callbackUrl, { headers: { cookie } }));
  const marker = result.setCookie.split(';')[0]!;
  // The user goes Back to sgID's page of that login (same state) and approves again: a new code.
  const again = callbackUrl.replace(/code=[^&]+/, 'code=a-second-code');
  const error = await flow.finish(new Request(again, { headers: { cookie: marker } })).then(
    () => assert.fail('a second return to a finished login must be refused'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SgidLoginError && error.code === 'ERR_LOGIN_ALREADY_FINISHED', String(error));
  assert.deepEqual(flow.afterError(error), { reason: 'already_finished', returnTo: '/account' }, 'the marker stays, so a third return is recognised too');
  await assert.rejects(flow.finish(new Request(again, { headers: { cookie: marker } })), { code: 'ERR_LOGIN_ALREADY_FINISHED' });
  // Another state against the marker: not a login of this browser.
  const other = await flow.finish(new Request(callbackUrl.replace(/state=[^&]+/, 'state=other'), { headers: { cookie: marker } })).catch((e: unknown) => e);
  assert.ok(other instanceof SgidLoginError && other.code === 'ERR_STATE_MISMATCH');
  assert.deepEqual(flow.afterError(other), { reason: 'not_started_here' });
});

test('afterError: the cookie is deleted only when the error ended this browser\'s login', async () => {
  const flow = makeFlow();
  const failure = (request: Request) => flow.finish(request).then(() => assert.fail('finish should have thrown'), (e: unknown) => e);
  // Two tabs: A starts, B starts (its cookie replaces A's), A comes back first.
  const tabA = await browse(await flow.start(undefined, { returnTo: '/a' }));
  const tabB = await browse(await flow.start(undefined, { returnTo: '/b' }));
  const mismatch = await failure(new Request(tabA.callbackUrl, { headers: { cookie: tabB.cookie } }));
  assert.equal((mismatch as SgidLoginError).code, 'ERR_STATE_MISMATCH');
  assert.deepEqual(flow.afterError(mismatch), { reason: 'not_started_here' }, "B's login in progress keeps its cookie");
  // A decline of another tab's login does not end B's either; a decline of B's does.
  const stateOf = (url: string) => new URL(url).searchParams.get('state')!;
  const declineA = await failure(new Request(`${stub.redirectUri}?error=access_denied&state=${stateOf(tabA.callbackUrl)}`, { headers: { cookie: tabB.cookie } }));
  assert.deepEqual(flow.afterError(declineA), { reason: 'declined' });
  const declineB = await failure(new Request(`${stub.redirectUri}?error=access_denied&state=${stateOf(tabB.callbackUrl)}`, { headers: { cookie: tabB.cookie } }));
  assert.equal((declineB as SgidLoginError).code, 'ERR_AUTHORIZATION_ERROR');
  assert.deepEqual(flow.afterError(declineB), { reason: 'declined', setCookie: flow.clearCookie, returnTo: '/b' });
  // B still completes; replaying its code fails at the token endpoint, which ends the login.
  assert.equal((await flow.finish(new Request(tabB.callbackUrl, { headers: { cookie: tabB.cookie } }))).returnTo, '/b');
  const replay = await failure(new Request(tabB.callbackUrl, { headers: { cookie: tabB.cookie } }));
  assert.deepEqual(flow.afterError(replay), { reason: 'failed', setCookie: flow.clearCookie, returnTo: '/b' });
  // No cookie: nothing to delete. An error finish did not throw: delete, as before.
  assert.deepEqual(flow.afterError(await failure(new Request(tabB.callbackUrl))), { reason: 'not_started_here' });
  assert.deepEqual(flow.afterError(new Error('elsewhere')), { reason: 'failed', setCookie: flow.clearCookie });
  // sgID refusing the request is not the user declining; an expired login says so.
  const refused = await failure(new Request(`${stub.redirectUri}?error=invalid_scope&state=x`, { headers: { cookie: tabB.cookie } }));
  assert.equal(flow.afterError(refused).reason, 'failed');
  const short = makeFlow(stub.redirectUri, { maxAge: 1 });
  const late = (await short.begin({ returnTo: '/late' })).setCookie.split(';')[0]!;
  await new Promise((r) => setTimeout(r, 2100));
  const expired = await short.finish(new Request(`${stub.redirectUri}?code=x&state=y`, { headers: { cookie: late } })).catch((e: unknown) => e);
  assert.deepEqual(short.afterError(expired), { reason: 'expired', setCookie: short.clearCookie, returnTo: '/late' });
});

test('https redirect URI → Secure cookie; short secret refused', () => {
  const flow = makeFlow('https://app.example/callback');
  assert.match(flow.clearCookie, /; Secure$/);
  assert.throws(() => createLoginFlow({ client: new SgidClient({ clientId: 'a', clientSecret: 'b', privateKey: 'k', redirectUri: 'http://x/cb' }), secret: 'short' }), { code: 'ERR_INVALID_ARGUMENT' });
});

test('Express adapter: a complete login in a real Express app', async () => {
  const express = require('express') as typeof import('express');
  const flow = makeFlow();
  const app = express();
  // ---- the app code ----
  const sgid = expressLoginHandlers(flow, { onSuccess: ({ sub, parsed }, _req, res) => res.json({ sub, name: parsed['myinfo.name'] }) });
  app.get('/login', sgid.login);
  app.get('/callback', sgid.callback);
  // ----------------------
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const start = await fetch(`${base}/login`, { redirect: 'manual' });
    assert.equal(start.status, 302);
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const { code, state } = await stub.authorize(start.headers.get('location')!);
    const done = await fetch(`${base}/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state!)}`, { headers: { cookie } });
    assert.equal(done.status, 200);
    assert.deepEqual(await done.json(), { sub: 'stub-sub-123', name: 'Tan Ah Kow 陈' });
    const marker = done.headers.get('set-cookie')!;
    assert.match(marker, /^sgid_login=[^;]+; Max-Age=3600;/);
    const bad = await fetch(`${base}/callback?code=x&state=y`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /ERR_LOGIN_COOKIE_MISSING/);
    // Back to sgID's page and approved again: refused, and the marker is left in place.
    const back = await fetch(`${base}/callback?code=another&state=${encodeURIComponent(state!)}`, { headers: { cookie: marker.split(';')[0]! } });
    assert.equal(back.status, 400);
    assert.match(await back.text(), /ERR_LOGIN_ALREADY_FINISHED/);
    assert.equal(back.headers.get('set-cookie'), null);
    // A failure that ends the login deletes the cookie.
    const expired = await fetch(`${base}/callback?code=x&state=y`, { headers: { cookie: 'sgid_login=garbage' } });
    assert.match(await expired.text(), /ERR_LOGIN_COOKIE_INVALID/);
    assert.match(expired.headers.get('set-cookie') ?? '', /^sgid_login=; Max-Age=0/);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('Next.js routes: GET dispatches login / callback; the login cookie\'s update is added to the app response', async () => {
  const flow = makeFlow();
  const routes = nextLoginRoutes(flow, { onSuccess: ({ sub }) => Response.redirect(`http://app.example/welcome?sub=${sub}`, 302) });
  const start = await routes.GET(new Request('http://localhost:3000/api/sgid/login'));
  const { callbackUrl, cookie } = await browse(start);
  const done = await routes.GET(new Request(callbackUrl.replace('/callback', '/api/sgid/callback'), { headers: { cookie } }));
  assert.equal(done.status, 302);
  assert.equal(done.headers.get('location'), 'http://app.example/welcome?sub=stub-sub-123');
  assert.match(done.headers.get('set-cookie')!, /^sgid_login=[^;]+; Max-Age=3600;/);
  const failed = await routes.callback(new Request(callbackUrl));
  assert.equal(failed.status, 400);
  const garbage = await routes.callback(new Request(callbackUrl, { headers: { cookie: 'sgid_login=garbage' } }));
  assert.equal(garbage.status, 400);
  assert.match(garbage.headers.get('set-cookie') ?? '', /^sgid_login=; Max-Age=0/);
});
