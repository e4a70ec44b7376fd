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
    for (const q of ['', '?flavour=', '?flavour=pistachio%3Cscript%3E']) {
      const res = await fetch(`${demo.url}/api/auth-url${q}`);
      assert.equal(res.status, 400);
      assert.equal(cookies(res).has('sgid_login'), false);
    }
    const res = await fetch(`${demo.url}/api/auth-url?flavour=teh-tarik`);
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
    const begin = await fetch(`${demo.url}/api/auth-url?flavour=teh-tarik`);
    const loginCookie = pair(cookies(begin).get('sgid_login')!);
    const { url } = (await begin.json()) as { url: string };
    const back = await loginThroughWallet(url, provider.defaultPersonaId);
    assert.equal(back.origin + back.pathname, `${demo.url}/api/redirect`);

    const done = await fetch(back, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), '/logged-in');
    const set = cookies(done);
    assert.match(set.get('sgid_login') ?? '', /Max-Age=0/, 'the login cookie is deleted');
    const session = set.get('icecream_session');
    assert.ok(session);
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
    assert.match(session, /Path=\//);

    const me = await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: pair(session) } });
    assert.equal(me.status, 200);
    const body = (await me.json()) as { name: string; flavour: string; sub: string; data: Record<string, string> };
    const persona = await provider.provider.ctx.personas.get(provider.defaultPersonaId);
    assert.equal(body.name, persona?.values['myinfo.name']);
    assert.equal(body.flavour, 'Teh tarik');
    assert.deepEqual(Object.keys(body.data), ['myinfo.name']);
    assert.match(body.sub, /\S/);

    // The code was used once: replaying the redirect does not log in again.
    const replay = await fetch(back, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(replay.headers.get('location'), '/?error=failed');

    const crossSite = await fetch(`${demo.url}/api/logout`, { method: 'POST', headers: { cookie: pair(session), origin: 'https://evil.example' } });
    assert.equal(crossSite.status, 403);
    assert.equal((await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: pair(session) } })).status, 200);

    const out = await fetch(`${demo.url}/api/logout`, { method: 'POST', headers: { cookie: pair(session), origin: demo.url } });
    assert.equal(out.status, 204);
    assert.match(cookies(out).get('icecream_session') ?? '', /Max-Age=0/);
    const after = await fetch(`${demo.url}/api/userinfo`, { headers: { cookie: pair(session) } });
    assert.equal(after.status, 401);
  });

  test('/api/redirect errors come back to the SPA as codes it explains', async () => {
    const begin = await fetch(`${demo.url}/api/auth-url?flavour=vanilla`);
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
    assert.equal(noCookie.headers.get('location'), '/?error=restart');
    // A state that is not this browser's.
    const wrongState = await fetch(`${demo.url}/api/redirect?code=abc&state=def`, { headers: { cookie: loginCookie }, redirect: 'manual' });
    assert.equal(wrongState.headers.get('location'), '/?error=restart');
  });
});
