/**
 * The demo's backend over HTTP, without a browser: the API contract, its cookies and headers,
 * and a whole login through the provider's pages (the wallet driven over HTTP).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { freePort, startProvider } from '../../../packages/provider/test/helpers/provider.js';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.js';
import { loginThroughWallet } from '../../../packages/provider/test/helpers/wallet-flow.js';
import { startDemo } from '../src/index.js';
import type { RunningDemo } from '../src/index.js';

/** name=value of each Set-Cookie, and the full header by name. */
function cookies(res: Response): Map<string, string> {
  return new Map(res.headers.getSetCookie().map((c) => [c.slice(0, c.indexOf('=')), c]));
}
const pair = (setCookie: string) => setCookie.slice(0, setCookie.indexOf(';'));

describe('ice-cream demo API', () => {
  let provider: TestProvider;
  let demo: RunningDemo;

  before(async () => {
    provider = await startProvider();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const creds = await provider.createClient({
      name: 'Ice cream demo',
      scopes: ['openid', 'myinfo.name'],
      redirectUris: [`${publicUrl}/api/redirect`],
    });
    demo = await startDemo({
      providerUrl: provider.url,
      clientId: creds.id,
      clientSecret: creds.secret,
      privateKey: creds.privateKey!,
      port,
      publicUrl,
      cookieSecret: randomBytes(32).toString('base64url'),
      log: () => undefined,
    });
  });

  after(async () => {
    await demo?.close();
    await provider?.close();
  });

  test('the page: CSP, no inline script, SPA routes', async () => {
    for (const path of ['/', '/logged-in']) {
      const res = await fetch(demo.url + path);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      const page = await res.text();
      assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(page, /\sstyle=|\son[a-z]+=/, 'no inline style or handler');
    }
    assert.equal((await fetch(`${demo.url}/app.js`)).status, 200);
    assert.equal((await fetch(`${demo.url}/style.css`)).status, 200);
    assert.equal((await fetch(`${demo.url}/api/nope`)).status, 404);
  });

  test('/api/auth-url: 400 without a known flavour; else { url } and the login cookie', async () => {
    for (const q of ['', '?icecream=', '?icecream=pistachio%3Cscript%3E', '?flavour=chocolate']) {
      const res = await fetch(`${demo.url}/api/auth-url${q}`);
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { message: string }).message, /icecream must name one of the flavours: Vanilla, Chocolate/);
      assert.equal(cookies(res).has('sgid_login'), false);
    }
    // The docs' frontend sends labels, ours ids: both name a flavour.
    for (const q of ['Chocolate', 'chocolate', 'Mint%20chocolate%20chip']) {
      assert.equal((await fetch(`${demo.url}/api/auth-url?icecream=${q}`)).status, 200);
    }
    const res = await fetch(`${demo.url}/api/auth-url?icecream=teh-tarik`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { url } = (await res.json()) as { url: string };
    const authorize = new URL(url);
    assert.equal(authorize.origin + authorize.pathname, `${provider.url}/v2/oauth/authorize`);
    assert.equal(authorize.searchParams.get('scope'), 'openid myinfo.name');
    assert.equal(authorize.searchParams.get('redirect_uri'), `${demo.url}/api/redirect`);
    assert.doesNotMatch(url, /teh-tarik/, 'the flavour stays in the encrypted cookie, not in the URL');
    const login = cookies(res).get('sgid_login');
    assert.ok(login);
    assert.match(login, /HttpOnly/);
    assert.match(login, /SameSite=Lax/);
  });

  test('a whole login over HTTP: session cookie, /api/userinfo, logout', async () => {
    const begin = await fetch(`${demo.url}/api/auth-url?icecream=teh-tarik`);
    const loginCookie = pair(cookies(begin).get('sgid_login')!);
    const { url } = (await begin.json()) as { url: string };
    const back = await loginThroughWallet(url, provider.defaultPersonaId);
    assert.equal(back.origin + back.pathname, `${demo.url}/api/redirect`);

    const done = await fetch(back, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), '/logged-in');
    const set = cookies(done);
    assert.notEqual(pair(set.get('sgid_login') ?? ''), loginCookie, 'the login\'s secrets are replaced by a finished-login marker');
    const session = set.get('icecream_session');
    assert.ok(session);
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
    assert.match(session, /Path=\//);

    const me = await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: pair(session) } });
    assert.equal(me.status, 200);
    const body = (await me.json()) as { sub: string; data: Record<string, string> };
    const persona = await provider.provider.ctx.personas.get(provider.defaultPersonaId);
    assert.deepEqual(Object.keys(body).sort(), ['data', 'sub'], 'the docs\' shape: { sub, data }');
    assert.deepEqual(body.data, { 'myinfo.name': persona?.values['myinfo.name'], iceCream: 'Teh tarik' });
    assert.match(body.sub, /\S/);

    // The code was used once: replaying the redirect does not log in again.
    const replay = await fetch(back, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(replay.headers.get('location'), '/?error=failed');
    // The browser now holds the finished-login marker: the same login again (Back, approve) is named as such.
    const marker = pair(set.get('sgid_login')!);
    const again = await fetch(back, { headers: { cookie: `${marker}; ${pair(session)}` }, redirect: 'manual' });
    assert.equal(again.headers.get('location'), '/?error=already_finished');
    assert.equal(again.headers.getSetCookie().length, 0, 'neither the marker nor the session is touched');

    // Logout refuses other sites (a link from another site is a GET too), on GET and POST.
    for (const method of ['GET', 'POST']) {
      const fromOrigin: Response = await fetch(`${demo.url}/api/logout`, { method, headers: { cookie: pair(session), origin: 'https://evil.example' } });
      assert.equal(fromOrigin.status, 403);
      const fromLink: Response = await fetch(`${demo.url}/api/logout`, { method, headers: { cookie: pair(session), 'sec-fetch-site': 'cross-site' } });
      assert.equal(fromLink.status, 403);
    }
    assert.equal((await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: pair(session) } })).status, 200);

    const out = await fetch(`${demo.url}/api/logout`, { method: 'POST', headers: { cookie: pair(session), origin: demo.url } });
    assert.equal(out.status, 204);
    assert.match(cookies(out).get('icecream_session') ?? '', /Max-Age=0/);
    const after = await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: pair(session) } });
    assert.equal(after.status, 401);
    assert.equal(await after.text(), '', 'a bare 401: the docs\' frontend would take a JSON body for a user');
  });

  test('/api/redirect errors come back to the SPA as codes it explains', async () => {
    const begin = await fetch(`${demo.url}/api/auth-url?icecream=vanilla`);
    const loginCookie = pair(cookies(begin).get('sgid_login')!);
    const { url } = (await begin.json()) as { url: string };

    const declined = await loginThroughWallet(url, undefined, 'decline');
    assert.equal(declined.searchParams.get('error'), 'access_denied');
    const res = await fetch(declined, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(res.headers.get('location'), '/?error=declined');
    assert.match(cookies(res).get('sgid_login') ?? '', /Max-Age=0/);
    assert.equal(cookies(res).has('icecream_session'), false);

    // No login cookie (another browser, or it expired): start again.
    const noCookie = await fetch(`${demo.url}/api/redirect?code=abc&state=def`, { redirect: 'manual' });
    assert.equal(noCookie.headers.get('location'), '/?error=not_started_here');
    // A state that is not this browser's.
    const wrongState = await fetch(`${demo.url}/api/redirect?code=abc&state=def`, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(wrongState.headers.get('location'), '/?error=not_started_here');
  });

  test('the default log: one line per failed login, no prefix of its own (npm start adds "[demo] ")', async (t) => {
    const port = await freePort();
    const quiet = await startDemo({
      providerUrl: provider.url,
      clientId: 'unused',
      clientSecret: 'unused',
      privateKey: 'unused',
      port,
      cookieSecret: randomBytes(32).toString('base64url'),
    });
    const lines: string[] = [];
    t.mock.method(console, 'error', (...args: unknown[]) => lines.push(args.map(String).join(' ')));
    try {
      await fetch(`http://localhost:${port}/api/redirect?code=abc&state=def`, { redirect: 'manual' });
    } finally {
      await quiet.close();
    }
    assert.deepEqual(lines, ['login not finished (ERR_LOGIN_COOKIE_MISSING: no sgid_login cookie: this browser did not start the login here, or the cookie expired)']);
  });

  test('the docs\' frontend on another origin: CORS with credentials, its own redirects', async () => {
    const frontend = 'http://localhost:5173'; // the default, as in the docs' guides
    const begin = await fetch(`${demo.url}/api/auth-url?icecream=Chocolate`, { headers: { origin: frontend } });
    assert.equal(begin.status, 200);
    assert.equal(begin.headers.get('access-control-allow-origin'), frontend);
    assert.equal(begin.headers.get('access-control-allow-credentials'), 'true');
    assert.match(begin.headers.get('vary') ?? '', /Origin/);
    const { url } = (await begin.json()) as { url: string };
    const loginCookie = pair(cookies(begin).get('sgid_login')!);
    const back = await loginThroughWallet(url, provider.defaultPersonaId);
    const done = await fetch(back, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(done.headers.get('location'), `${frontend}/logged-in`);
    const session = pair(cookies(done).get('icecream_session')!);
    const me = await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: session, origin: frontend } });
    assert.equal(me.headers.get('access-control-allow-origin'), frontend);
    assert.equal(((await me.json()) as { data: Record<string, string> }).data['iceCream'], 'Chocolate');
    const out = await fetch(`${demo.url}/api/logout`, { headers: { cookie: session, origin: frontend } });
    assert.equal(out.status, 204);
    assert.equal((await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: session } })).status, 401);

    // Failures go to <frontend>/error; the flavour and the frontend ride in the login cookie.
    const again = await fetch(`${demo.url}/api/auth-url?icecream=Vanilla`, { headers: { origin: frontend } });
    const declined = await loginThroughWallet(((await again.json()) as { url: string }).url, undefined, 'decline');
    const res = await fetch(declined, { headers: { cookie: pair(cookies(again).get('sgid_login')!) }, redirect: 'manual' });
    assert.equal(res.headers.get('location'), `${frontend}/error?error=declined`);

    // Preflight for the frontend; nothing for any other origin.
    const preflight = await fetch(`${demo.url}/api/logout`, { method: 'OPTIONS', headers: { origin: frontend, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    const other = await fetch(`${demo.url}/api/userinfo`, { headers: { origin: 'http://localhost:5174' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('access-control-allow-credentials'), null);
  });
});
