/**
 * The login-flow helper against the FAPI test double: the cookie (encrypted, HttpOnly, short-lived,
 * holding the DPoP key), its failures, and the Express, Next.js and Web adapters end to end.
 */
import { after, before, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SingpassClient, createLoginFlow, expressLoginHandlers, nextLoginRoutes, readCookie, type LoginFlow } from '../src/index.ts';
import { startFapiDouble, type FapiDouble } from './helpers/fapi-double.ts';
import { rejectsWith } from './helpers/assert-error.ts';

const SECRET = 'a-login-cookie-secret-of-32-characters!';

/** The cookie pair (`name=value`) of a Set-Cookie header. */
const pair = (setCookie: string) => setCookie.split(';')[0]!;

const failure = (promise: Promise<unknown>) => rejectsWith(promise);

describe('login flow (Web Request/Response)', () => {
  let double: FapiDouble;
  let flow: LoginFlow;
  before(async () => {
    double = await startFapiDouble({ appType: 'myinfo' });
    const client = new SingpassClient({ issuer: double.issuer, clientId: double.clientId, keys: double.clientKeys, redirectUri: double.redirectUri, appType: 'myinfo', allowHttpLoopback: true });
    flow = createLoginFlow({ client, secret: SECRET });
  });
  after(() => double.close());

  async function startLogin(options?: { returnTo?: string }) {
    const response = await flow.start(new Request('http://localhost:3000/login'), options);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    return { location: response.headers.get('location')!, setCookie: response.headers.get('set-cookie')! };
  }

  const finishAt = (url: string, cookie?: string) => flow.finish(new Request(url, { headers: cookie ? { cookie } : {} }));

  it('logs in with no session store: the cookie carries the login, the result the person', async () => {
    const { location, setCookie } = await startLogin({ returnTo: '/account' });
    assert.match(setCookie, /^singpass_login=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.ok(location.startsWith(`${double.issuer}/auth?client_id=`));
    const result = await finishAt(await double.approve(location), pair(setCookie));
    assert.equal(result.sub, double.sub);
    assert.equal(result.returnTo, '/account');
    assert.equal(result.person?.name, 'SOH HAO FENG');
    assert.equal(result.person?.mobileno, '+65 97399245');
    assert.deepEqual(result.personInfo, double.personInfo);
    // The secrets are gone: the cookie now only marks this login as finished, for an hour.
    assert.match(result.setCookie, /^singpass_login=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('recognises the Back button to a finished login’s callback, and keeps the session cookie alone', async () => {
    const { location, setCookie } = await startLogin({ returnTo: '/account' });
    const callbackUrl = await double.approve(location);
    const result = await finishAt(callbackUrl, pair(setCookie));
    const again = await failure(finishAt(callbackUrl, pair(result.setCookie)));
    assert.equal(again.code, 'ERR_LOGIN_ALREADY_FINISHED');
    assert.deepEqual(flow.afterError(again), { reason: 'already_finished', returnTo: '/account' });
    // A new login in the same browser replaces the marker as usual.
    const next = await startLogin();
    assert.equal((await finishAt(await double.approve(next.location), pair(next.setCookie))).sub, double.sub);
  });

  it('says what each failure means, and deletes the cookie only when the failure ended this browser’s login', async () => {
    const first = await startLogin({ returnTo: '/a' });
    const firstCallback = await double.approve(first.location);
    const second = await startLogin();
    // Another tab's login is in progress (the second cookie): the first's return leaves it alone.
    const mismatch = await failure(finishAt(firstCallback, pair(second.setCookie)));
    assert.equal(mismatch.code, 'ERR_STATE_MISMATCH');
    assert.deepEqual(flow.afterError(mismatch), { reason: 'not_started_here' });
    // The user declines the login this browser started: over, back to where they were.
    const declined = await failure(finishAt(`${double.redirectUri}?error=access_denied&state=${new URL(firstCallback).searchParams.get('state')}`, pair(first.setCookie)));
    assert.deepEqual(flow.afterError(declined), { reason: 'declined', setCookie: flow.clearCookie, returnTo: '/a' });
    // No cookie at all: nothing to delete.
    assert.deepEqual(flow.afterError(await failure(finishAt(firstCallback))), { reason: 'not_started_here' });
    // Singpass refuses the code: the login is over.
    double.hooks = { fail: { token: { times: 1, status: 400, error: 'invalid_grant' } } };
    try {
      const refused = await failure(finishAt(firstCallback, pair(first.setCookie)));
      assert.equal(refused.code, 'ERR_OAUTH_RESPONSE');
      assert.deepEqual(flow.afterError(refused), { reason: 'failed', setCookie: flow.clearCookie, returnTo: '/a' });
    } finally {
      double.hooks = {};
    }
    assert.deepEqual(flow.afterError(new Error('not ours')), { reason: 'failed', setCookie: flow.clearCookie });
  });

  it('keeps the login secrets encrypted in the cookie', async () => {
    double.requests.length = 0;
    const { setCookie } = await startLogin();
    const form = double.requests.find((r) => r.path === '/par')!.form!;
    const dpopX = (double.requests.find((r) => r.path === '/par')!.dpop!.header.jwk as { x: string }).x;
    const value = pair(setCookie).split('=')[1]!;
    const visible = value
      .split('.')
      .map((s) => Buffer.from(s, 'base64url').toString('latin1'))
      .join(' ');
    for (const secret of [form.get('state')!, form.get('nonce')!, dpopX]) assert.ok(!visible.includes(secret) && !value.includes(secret));
  });

  it('refuses a callback without the cookie, with an altered one, or with another login’s', async () => {
    const first = await startLogin();
    const callbackUrl = await double.approve(first.location);
    assert.equal((await failure(finishAt(callbackUrl))).code, 'ERR_LOGIN_COOKIE_MISSING');
    const value = pair(first.setCookie);
    const altered = value.slice(0, -3) + (value.endsWith('AAA') ? 'BBB' : 'AAA');
    assert.equal((await failure(finishAt(callbackUrl, altered))).code, 'ERR_LOGIN_COOKIE_INVALID');
    const other = createLoginFlow({ client: flow.client, secret: 'another-secret-of-more-than-32-characters' });
    assert.equal((await failure(other.finish(new Request(callbackUrl, { headers: { cookie: value } })))).code, 'ERR_LOGIN_COOKIE_INVALID');
    // A second login in the same browser replaces the cookie: the first one's return is refused.
    const second = await startLogin();
    assert.equal((await failure(finishAt(callbackUrl, pair(second.setCookie)))).code, 'ERR_STATE_MISMATCH');
  });

  it('refuses a login that took longer than maxAge', async () => {
    const { location, setCookie } = await startLogin();
    const callbackUrl = await double.approve(location);
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 601_000 });
    try {
      assert.equal((await failure(finishAt(callbackUrl, pair(setCookie)))).code, 'ERR_LOGIN_EXPIRED');
    } finally {
      mock.timers.reset();
    }
  });

  it('reports the user declining, cookie or not', async () => {
    const { setCookie } = await startLogin();
    for (const cookie of [pair(setCookie), undefined]) {
      const err = await failure(finishAt(`${double.redirectUri}?error=access_denied&state=x`, cookie));
      assert.equal(err.code, 'ERR_AUTHORIZATION_ERROR');
      assert.equal(err.error, 'access_denied');
    }
  });

  it('sets Secure for an https redirect URI, and refuses a short secret', () => {
    const client = new SingpassClient({ issuer: 'https://stg-id.singpass.gov.sg/fapi', clientId: 'c', keys: double.clientKeys, redirectUri: 'https://app.example/cb' });
    assert.match(createLoginFlow({ client, secret: SECRET }).clearCookie, /; Secure$/);
    assert.throws(() => createLoginFlow({ client, secret: 'short' }), { code: 'ERR_INVALID_ARGUMENT' });
  });

  it('reads cookies from a header with several', () => {
    assert.equal(readCookie('a=1; singpass_login=v.w; b=2', 'singpass_login'), 'v.w');
    assert.equal(readCookie(null, 'x'), undefined);
  });
});

describe('login flow adapters', () => {
  let double: FapiDouble;
  let server: Server;
  let base: string;
  before(async () => {
    double = await startFapiDouble({ appType: 'login' });
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    double.redirectUri = `${base}/callback`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await double.close();
  });

  /** Follows the login as a browser would: app → Singpass (approves) → app callback, with the cookie. */
  async function browserLogin(startPath: string): Promise<Response> {
    const start = await fetch(`${base}${startPath}`, { redirect: 'manual' });
    assert.equal(start.status, 302, await start.clone().text());
    const cookie = start.headers.getSetCookie().map(pair).join('; ');
    const callbackUrl = await double.approve(start.headers.get('location')!);
    return fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' });
  }

  it('Express: a complete login in a few lines, the cookie replaced by the finished-login marker', async () => {
    const client = new SingpassClient({ issuer: double.issuer, clientId: double.clientId, keys: double.clientKeys, redirectUri: double.redirectUri, scope: 'openid user.identity name', allowHttpLoopback: true });
    const flow = createLoginFlow({ client, secret: SECRET });
    const singpass = expressLoginHandlers(flow, { onSuccess: ({ sub, subAttributes }, _req, res) => res.end(`Hello ${String(subAttributes.name)} (${sub})`) });
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      const path = req.url!.split('?')[0];
      if (path === '/login') return void singpass.login(req, res);
      if (path === '/callback') return void singpass.callback(req, res);
      if (path === '/jwks') return singpass.jwks(req, res);
      res.statusCode = 404;
      res.end();
    });
    const done = await browserLogin('/login');
    assert.equal(done.status, 200);
    assert.equal(await done.text(), `Hello SOH HAO FENG (${double.sub})`);
    assert.match(done.headers.get('set-cookie')!, /^singpass_login=[\w.-]+; Max-Age=3600/, 'the finished-login marker');
    assert.deepEqual(await (await fetch(`${base}/jwks`)).json(), client.jwks());
  });

  it('Express: the default error page names the code and never echoes the redirect’s text', async () => {
    const res = await fetch(`${base}/callback?error=access_denied&error_description=%3Cscript%3Ecall%20555-0100%3C%2Fscript%3E&state=x`);
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /ERR_AUTHORIZATION_ERROR/);
    assert.doesNotMatch(text, /script|555/);
    assert.equal(res.headers.get('set-cookie'), null, 'no login cookie to delete');
  });

  it('Next.js route handlers: login, callback and jwks from one GET', async () => {
    const client = new SingpassClient({ issuer: double.issuer, clientId: double.clientId, keys: double.clientKeys, redirectUri: double.redirectUri, allowHttpLoopback: true });
    const flow = createLoginFlow({ client, secret: SECRET });
    const { GET } = nextLoginRoutes(flow, { onSuccess: ({ sub }) => Response.redirect(`${base}/home?sub=${sub}`, 302) });
    server.removeAllListeners('request');
    server.on('request', async (req, res) => {
      const response = await GET(new Request(`${base}${req.url}`, { headers: req.headers as Record<string, string> }));
      res.statusCode = response.status;
      response.headers.forEach((v, k) => k !== 'set-cookie' && res.setHeader(k, v));
      res.setHeader('set-cookie', response.headers.getSetCookie());
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    const done = await browserLogin('/auth/login');
    assert.equal(done.status, 302);
    assert.equal(done.headers.get('location'), `${base}/home?sub=${double.sub}`);
    assert.match(done.headers.get('set-cookie')!, /^singpass_login=[\w.-]+; Max-Age=3600/, 'the finished-login marker');
    assert.deepEqual(await (await fetch(`${base}/auth/jwks`)).json(), client.jwks());
  });
});
