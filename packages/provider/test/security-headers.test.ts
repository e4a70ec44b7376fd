/**
 * Security headers on every kind of response: HTML pages carry a CSP without 'unsafe-inline',
 * frame-ancestors 'none' and no-store; the token and userinfo responses are never cached.
 * And the pages work under that CSP: no inline script, handler or style.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { authorizeUrl, getUserinfo, loginForCode, pkcePair, postToken, tokenBody } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';

const REDIRECT = 'http://localhost:5001/api/redirect';

function assertHtmlHeaders(what: string, res: { headers: Headers }, html: string): void {
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/, what);
  const csp = res.headers.get('content-security-policy');
  assert.ok(csp, `${what}: no CSP`);
  assert.ok(!csp.includes("'unsafe-inline'"), `${what}: CSP allows unsafe-inline`);
  assert.ok(!csp.includes("'unsafe-eval'"), `${what}: CSP allows unsafe-eval`);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.match(csp, /script-src 'self'/, what);
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: cache-control`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
  // the page must work under that CSP
  assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/i.test(html), `${what}: inline <script>`);
  assert.ok(!/\son[a-z]+\s*=/i.test(html.replace(/<svg[\s\S]*?<\/svg>/g, '')), `${what}: inline event handler`);
  assert.ok(!/<style[\s>]/i.test(html), `${what}: inline <style>`);
  assert.ok(!/\sstyle\s*=/i.test(html), `${what}: style attribute`);
}

describe('security headers', () => {
  let p: TestProvider;
  let creds: ClientCredentials;
  before(async () => {
    p = await startProvider({ loginTtl: 60 });
    creds = await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
  });
  after(() => p.close());

  test('every HTML page: CSP without unsafe-inline, frame-ancestors none, no-store', async () => {
    const get = async (what: string, url: string, init?: RequestInit) => {
      const res = await fetch(url, { redirect: 'manual', ...init });
      const html = await res.text();
      assertHtmlHeaders(`${what} (${res.status})`, res, html);
      return html;
    };
    await get('home', `${p.url}/`);
    const qr = await get('QR page', authorizeUrl(p, creds, { scope: 'openid myinfo.name', code_challenge: (await pkcePair()).challenge }));
    const loginId = /\/wallet\/([A-Za-z0-9_-]+)/.exec(qr)![1]!;
    const continueUrl = p.url + /data-continue-url="([^"]+)"/.exec(qr)![1]!.replace(/&amp;/g, '&');
    await get('waiting page', continueUrl);
    const picker = await get('persona picker', `${p.url}/wallet/${loginId}`);
    const persona = /name="persona" value="([^"]+)"/.exec(picker)![1]!;
    await get('consent page', `${p.url}/wallet/${loginId}/consent?persona=${persona}`);
    await get('wallet bad persona', `${p.url}/wallet/${loginId}/consent?persona=nobody`);
    await get('wallet done', `${p.url}/wallet/${loginId}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ persona, decision: 'approve' }).toString(),
    });
    await get('wallet already answered', `${p.url}/wallet/${loginId}`);
    await get('wallet expired', `${p.url}/wallet/no-such-login`);
    await get('authorize error page', authorizeUrl(p, { id: 'NO-SUCH-CLIENT', redirectUris: [REDIRECT] }));
    await get('continue, wrong poll secret', `${p.url}${PATHS.authorize}/${loginId}/continue?t=wrong`);
    await get('404 page', `${p.url}/no/such/page`, { headers: { accept: 'text/html' } });
  });

  test('token and userinfo responses are no-store, on success and on error', async () => {
    const issued = await loginForCode(p, creds, { scope: 'openid myinfo.name' });
    const ok = await postToken(p, tokenBody(creds, issued));
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    const bad = await postToken(p, tokenBody(creds, issued));
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get('cache-control'), 'no-store');

    const issued2 = await loginForCode(p, creds, { scope: 'openid myinfo.name' });
    const ok2 = await postToken(p, tokenBody(creds, issued2));
    const info = await getUserinfo(p, ok2.body['access_token'] as string);
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('cache-control'), 'no-store');
    const infoBad = await getUserinfo(p, 'nope');
    assert.equal(infoBad.status, 401);
    assert.equal(infoBad.headers.get('cache-control'), 'no-store');
    assert.equal(info.headers.get('x-content-type-options'), 'nosniff');
  });

  test('the login status poll is no-store; JWKS and discovery are cacheable but briefly', async () => {
    const qr = await (await fetch(authorizeUrl(p, creds, { code_challenge: (await pkcePair()).challenge }))).text();
    const statusUrl = p.url + /data-status-url="([^"]+)"/.exec(qr)![1]!.replace(/&amp;/g, '&');
    const s = await fetch(statusUrl);
    assert.equal(s.headers.get('cache-control'), 'no-store');
    await s.text();
    const jwks = await fetch(`${p.url}${PATHS.jwks}`);
    const maxAge = Number(/max-age=(\d+)/.exec(jwks.headers.get('cache-control') ?? '')?.[1]);
    assert.ok(maxAge > 0 && maxAge <= 600, `JWKS max-age ${maxAge}: a rotated key must be seen before it signs`);
    await jwks.text();
  });
});
