/**
 * The bad-input matrix, over real HTTP: every malformed or wrong request to the token,
 * userinfo and authorize endpoints gets the right status and OAuth error code (never a 500),
 * and the provider keeps serving afterwards.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PATHS, SCOPES } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { TestClock } from './helpers/clock.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import {
  assertAuthorizeErrorPage,
  assertAuthorizeRedirectError,
  asJson,
  assertOAuthError,
  authorizeUrl,
  getUserinfo,
  loginForCode,
  loginForTokens,
  pkcePair,
  postToken,
  tokenBody,
} from './helpers/oauth.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const OTHER_REDIRECT = 'https://rp.example/cb';
const ALL_SCOPES = SCOPES.map((s) => s.scope);

describe('bad input', () => {
  let p: TestProvider;
  let short: TestProvider;
  let creds: ClientCredentials;
  let other: ClientCredentials;
  let narrow: ClientCredentials;
  let shortCreds: ClientCredentials;
  // The expiry tests move this provider's clock instead of sleeping.
  const clock = new TestClock();

  before(async () => {
    // A high failure limit: this file sends many wrong secrets on purpose (brute force is adversarial.test.ts).
    [p, short] = await Promise.all([startProvider({ authFailureLimit: 1000 }), startProvider({ codeTtl: 30, tokenTtl: 60, clock })]);
    creds = await p.createClient({ scopes: ALL_SCOPES, redirectUris: [REDIRECT, OTHER_REDIRECT] });
    other = await p.createClient({ scopes: ALL_SCOPES, redirectUris: [REDIRECT] });
    narrow = await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
    shortCreds = await short.createClient({ scopes: ALL_SCOPES, redirectUris: [REDIRECT] });
  });
  after(async () => {
    await Promise.all([p.close(), short.close()]);
  });

  describe('token endpoint', () => {
    test('wrong secret → 401 invalid_client, and the code stays usable by its owner', async () => {
      const issued = await loginForCode(p, creds);
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { client_secret: 'x'.repeat(32) })), 401, 'invalid_client', 'wrong secret');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { client_secret: creds.secret.slice(0, -1) })), 401, 'invalid_client', 'truncated secret');
      const ok = await postToken(p, tokenBody(creds, issued));
      assert.equal(ok.status, 200, ok.text);
    });

    test('unknown client, missing secret, missing client_id → 401 invalid_client', async () => {
      const issued = await loginForCode(p, creds);
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { client_id: 'NO-SUCH-CLIENT' })), 401, 'invalid_client', 'unknown client');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { client_secret: null })), 401, 'invalid_client', 'no secret');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { client_secret: '' })), 401, 'invalid_client', 'empty secret');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { client_id: null })), 401, 'invalid_client', 'no client_id');
    });

    test('client_secret_basic alone → 401 invalid_client', async () => {
      const issued = await loginForCode(p, creds);
      const basic = Buffer.from(`${encodeURIComponent(creds.id)}:${encodeURIComponent(creds.secret)}`).toString('base64');
      const r = await postToken(p, tokenBody(creds, issued, { client_secret: null }), { authorization: `Basic ${basic}` });
      assertOAuthError(r, 401, 'invalid_client', 'basic');
      assert.match(r.body['error_description'] as string, /client_secret_post/);
      const r2 = await postToken(p, tokenBody(creds, issued, { client_secret: null, client_id: null }), { authorization: `Basic ${basic}` });
      assertOAuthError(r2, 401, 'invalid_client', 'basic without client_id');
    });

    test('wrong code_verifier → invalid_grant; missing → invalid_request', async () => {
      const issued = await loginForCode(p, creds);
      const other = await pkcePair();
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { code_verifier: other.verifier })), 400, 'invalid_grant', 'other verifier');
      // the challenge itself is not the verifier
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { code_verifier: issued.pkce.challenge })), 400, 'invalid_grant', 'challenge as verifier');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { code_verifier: null })), 400, 'invalid_request', 'no verifier');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { code_verifier: '' })), 400, 'invalid_request', 'empty verifier');
    });

    test('reused code → invalid_grant, and the access token issued from it is revoked', async () => {
      const issued = await loginForCode(p, creds, { scope: 'openid myinfo.name' });
      const first = await postToken(p, tokenBody(creds, issued));
      assert.equal(first.status, 200, first.text);
      const token = first.body['access_token'] as string;
      assert.equal((await getUserinfo(p, token)).status, 200);
      assertOAuthError(await postToken(p, tokenBody(creds, issued)), 400, 'invalid_grant', 'second use');
      const after = await getUserinfo(p, token);
      assertOAuthError(after, 401, 'invalid_token', 'revoked token');
      // and a third attempt is still refused
      assertOAuthError(await postToken(p, tokenBody(creds, issued)), 400, 'invalid_grant', 'third use');
    });

    test('a code is good for --code-ttl seconds, an access token for --token-ttl seconds, not a millisecond more', async () => {
      const [good, stale] = await Promise.all([loginForCode(short, shortCreds), loginForCode(short, shortCreds)]);
      const issuedAt = clock.now();
      clock.set(issuedAt + 30_000 - 1);
      const redeemed = await postToken(short, tokenBody(shortCreds, good));
      assert.equal(redeemed.status, 200, `a code is still good at its last millisecond: ${redeemed.text}`);
      clock.set(issuedAt + 30_000);
      const r = await postToken(short, tokenBody(shortCreds, stale));
      assertOAuthError(r, 400, 'invalid_grant', 'expired code');
      assert.match(r.body['error_description'] as string, /expired/);

      const tokens = await loginForTokens(short, shortCreds, { scope: 'openid myinfo.name' });
      const tokenAt = clock.now();
      clock.set(tokenAt + 60_000 - 1);
      assert.equal((await getUserinfo(short, tokens.access_token)).status, 200);
      clock.set(tokenAt + 60_000);
      const u = await getUserinfo(short, tokens.access_token);
      assertOAuthError(u, 401, 'invalid_token', 'expired token');
      assert.match(u.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });

    test('wrong redirect_uri (another registered one, or none) → invalid_grant / invalid_request', async () => {
      const issued = await loginForCode(p, creds);
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { redirect_uri: OTHER_REDIRECT })), 400, 'invalid_grant', 'other registered uri');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { redirect_uri: null })), 400, 'invalid_request', 'no redirect_uri');
      const ok = await postToken(p, tokenBody(creds, issued));
      assert.equal(ok.status, 200, ok.text);
    });

    test('code of another client → invalid_grant', async () => {
      const issued = await loginForCode(p, creds);
      assertOAuthError(
        await postToken(p, tokenBody(other, issued, { client_id: other.id, client_secret: other.secret })),
        400,
        'invalid_grant',
        'foreign code',
      );
    });

    test('unknown or missing grant_type, missing code', async () => {
      const issued = await loginForCode(p, creds);
      for (const gt of ['refresh_token', 'client_credentials', 'password', 'AUTHORIZATION_CODE', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
        assertOAuthError(await postToken(p, tokenBody(creds, issued, { grant_type: gt })), 400, 'unsupported_grant_type', gt);
      }
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { grant_type: null })), 400, 'invalid_request', 'no grant_type');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { code: null })), 400, 'invalid_request', 'no code');
      assertOAuthError(await postToken(p, tokenBody(creds, issued, { code: 'not-a-code' })), 400, 'invalid_grant', 'unknown code');
      assertOAuthError(await postToken(p, {}), 400, 'invalid_request', 'empty form');
      assertOAuthError(await postToken(p, '', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'invalid_request', 'empty body');
      const res = await fetch(`${p.url}${PATHS.token}`, { method: 'POST' });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    });

    test('duplicated parameters → invalid_request', async () => {
      const issued = await loginForCode(p, creds);
      const body = tokenBody(creds, issued);
      for (const name of ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'code_verifier']) {
        const pairs = Object.entries(body);
        pairs.push([name, body[name]!]);
        assertOAuthError(await postToken(p, pairs), 400, 'invalid_request', `duplicated ${name}`);
      }
      const ok = await postToken(p, body);
      assert.equal(ok.status, 200, ok.text);
    });

    test('wrong content types and malformed bodies → 400 invalid_request; oversized → 413', async () => {
      const issued = await loginForCode(p, creds);
      const form = new URLSearchParams(tokenBody(creds, issued)).toString();
      const plain = await postToken(p, form, { 'content-type': 'text/plain' });
      assertOAuthError(plain, 400, 'invalid_request', 'text/plain');
      assert.match(plain.body['error_description'] as string, /application\/x-www-form-urlencoded/);
      assertOAuthError(await postToken(p, '{"grant_type":', { 'content-type': 'application/json' }), 400, 'invalid_request', 'JSON garbage');
      assertOAuthError(await postToken(p, '[1,2', { 'content-type': 'application/json' }), 400, 'invalid_request', 'JSON garbage 2');
      assertOAuthError(await postToken(p, '', { 'content-type': 'application/json' }), 400, 'invalid_request', 'empty JSON');
      // well-formed JSON of the wrong shape
      const arr = await postToken(p, '[]', { 'content-type': 'application/json' });
      assertOAuthError(arr, 400, 'invalid_request', 'JSON array');
      assert.match(arr.body['error_description'] as string, /not a form/);
      assertOAuthError(await postToken(p, '"x"', { 'content-type': 'application/json' }), 400, 'invalid_request', 'JSON string');
      assertOAuthError(await postToken(p, 'null', { 'content-type': 'application/json' }), 400, 'invalid_request', 'JSON null');
      assertOAuthError(
        await postToken(p, JSON.stringify({ ...tokenBody(creds, issued), code: 12345 }), { 'content-type': 'application/json' }),
        400,
        'invalid_request',
        'JSON number code',
      );
      assertOAuthError(
        await postToken(p, JSON.stringify({ ...tokenBody(creds, issued), code: { $ne: '' } }), { 'content-type': 'application/json' }),
        400,
        'invalid_request',
        'JSON object code',
      );
      const big = await postToken(p, `${form}&pad=${'a'.repeat(200_000)}`, { 'content-type': 'application/x-www-form-urlencoded' });
      assertOAuthError(big, 413, 'invalid_request', 'oversized');
      // the code survived all of that
      const ok = await postToken(p, form, { 'content-type': 'application/x-www-form-urlencoded' });
      assert.equal(ok.status, 200, ok.text);
    });

    test('the old v0 JSON body is accepted', async () => {
      const issued = await loginForCode(p, creds);
      const r = await postToken(p, JSON.stringify(tokenBody(creds, issued)), { 'content-type': 'application/json' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body['token_type'], 'Bearer');
    });

    test('GET on the token endpoint is a JSON 404 naming the method, not a 500', async () => {
      const r = await asJson(await fetch(`${p.url}${PATHS.token}?grant_type=authorization_code`));
      assertOAuthError(r, 404, 'not_found', 'GET token');
      assert.match(r.body['error_description'] as string, /GET \/v2\/oauth\/token/);
    });
  });

  describe('userinfo endpoint', () => {
    const bearerError = (r: { headers: Headers }, error: string) => {
      const h = r.headers.get('www-authenticate') ?? '';
      assert.match(h, /^Bearer /, h);
      assert.ok(h.includes(`error="${error}"`), h);
      assert.match(h, /error_description="[^"]+"/, h);
    };

    test('unknown token → 401 invalid_token with WWW-Authenticate', async () => {
      const r = await getUserinfo(p, 'A'.repeat(43));
      assertOAuthError(r, 401, 'invalid_token', 'unknown token');
      bearerError(r, 'invalid_token');
    });

    test('no Authorization header → 401 with WWW-Authenticate: Bearer', async () => {
      const r = await getUserinfo(p, undefined);
      assert.equal(r.status, 401, r.text);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer /);
      assert.equal(r.headers.get('cache-control'), 'no-store');
    });

    test('malformed Authorization headers → 400 invalid_request, never 500', async () => {
      const { access_token } = await loginForTokens(p, creds);
      // Not "Bearer <b64token>" (RFC 6750 §2.1): another scheme, no token, two tokens, quotes,
      // characters outside b64token, no scheme at all — even around a valid token.
      for (const h of [`Basic ${access_token}`, 'Bearer', 'Bearer ', `Bearer ${access_token} extra`, `Token ${access_token}`, `Bearer "${access_token}"`, access_token, 'Bearer \u00e9\u00e9']) {
        const r = await getUserinfo(p, undefined, { headers: { authorization: h } });
        assertOAuthError(r, 400, 'invalid_request', h);
        bearerError(r, 'invalid_request');
      }
      // The same token, well formed, is good: the refusals above were about the header's form.
      assert.equal((await getUserinfo(p, access_token)).status, 200);
      // the scheme is case-insensitive (RFC 7235 §2.1)
      const lower = await getUserinfo(p, undefined, { headers: { authorization: `bearer ${access_token}` } });
      assert.equal(lower.status, 200, lower.text);
    });

    test('access token in the query string → refused with invalid_request', async () => {
      const { access_token } = await loginForTokens(p, creds);
      const r = await getUserinfo(p, undefined, { query: `?access_token=${encodeURIComponent(access_token)}` });
      assertOAuthError(r, 400, 'invalid_request', 'query token');
      bearerError(r, 'invalid_request');
      // the token itself is fine in the header
      assert.equal((await getUserinfo(p, access_token)).status, 200);
    });

    test('success: no-store, sub equals the ID token sub', async () => {
      const { access_token, id_token } = await loginForTokens(p, creds, { scope: 'openid myinfo.name' });
      const r = await getUserinfo(p, access_token);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const payload = JSON.parse(Buffer.from(id_token.split('.')[1]!, 'base64url').toString()) as { sub: string };
      assert.equal(r.body['sub'], payload.sub);
      assert.equal(typeof r.body['key'], 'string');
      assert.deepEqual(Object.keys(r.body['data'] as object), ['myinfo.name']);
    });
  });

  describe('authorize endpoint', () => {
    test('unknown client_id or unregistered redirect_uri → error page, never a redirect', async () => {
      await assertAuthorizeErrorPage(authorizeUrl(p, { id: 'NO-SUCH-CLIENT', redirectUris: [REDIRECT] }));
      await assertAuthorizeErrorPage(authorizeUrl(p, creds, { redirect_uri: 'https://attacker.example/cb' }));
      await assertAuthorizeErrorPage(authorizeUrl(p, creds, { client_id: null }));
      await assertAuthorizeErrorPage(authorizeUrl(p, creds, { redirect_uri: null }));
      await assertAuthorizeErrorPage(authorizeUrl(p, creds, { redirect_uri: 'not a url' }));
      // the client exists but the uri belongs to another client
      await assertAuthorizeErrorPage(authorizeUrl(p, narrow, { redirect_uri: OTHER_REDIRECT }));
      // even with every other parameter wrong too, nothing goes to the unregistered uri
      await assertAuthorizeErrorPage(
        authorizeUrl(p, creds, { redirect_uri: 'https://attacker.example/cb', response_type: 'token', scope: 'bogus', code_challenge: null }),
      );
    });

    test('the error page escapes what the request sent', async () => {
      const html = await assertAuthorizeErrorPage(authorizeUrl(p, { id: '<script>alert(1)</script>', redirectUris: [REDIRECT] }));
      assert.ok(!html.includes('<script>alert(1)</script>'), 'client_id reflected unescaped');
      assert.ok(html.includes('&lt;script&gt;'), 'the id is shown, escaped');
      const html2 = await assertAuthorizeErrorPage(authorizeUrl(p, creds, { redirect_uri: 'https://x.example/"><img src=x onerror=alert(1)>' }));
      assert.ok(!html2.includes('<img src=x'), 'redirect_uri reflected unescaped');
    });

    test('response_type other than code → unsupported_response_type, with state', async () => {
      for (const rt of ['token', 'id_token', 'code id_token', 'CODE', 'code token']) {
        await assertAuthorizeRedirectError(authorizeUrl(p, creds, { response_type: rt }), REDIRECT, 'unsupported_response_type');
      }
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { response_type: null }), REDIRECT, 'invalid_request');
    });

    test('scopes: missing → invalid_request; unknown, unregistered, no openid → invalid_scope', async () => {
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: null }), REDIRECT, 'invalid_request');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: '' }), REDIRECT, 'invalid_request');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: 'openid myinfo.bogus' }), REDIRECT, 'invalid_scope');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: 'openid profile email' }), REDIRECT, 'invalid_scope');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: 'myinfo.name' }), REDIRECT, 'invalid_scope');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: 'OPENID myinfo.name' }), REDIRECT, 'invalid_scope');
      const loc = await assertAuthorizeRedirectError(authorizeUrl(p, narrow, { scope: 'openid myinfo.name myinfo.nric_number' }), REDIRECT, 'invalid_scope');
      assert.match(loc.searchParams.get('error_description')!, /myinfo\.nric_number/);
    });

    test('PKCE: missing challenge, plain or missing method, bad challenge syntax → invalid_request', async () => {
      const { challenge } = await pkcePair();
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge: null }), REDIRECT, 'invalid_request');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge: challenge, code_challenge_method: 'plain' }), REDIRECT, 'invalid_request');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge: challenge, code_challenge_method: null }), REDIRECT, 'invalid_request');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge: challenge, code_challenge_method: 's256' }), REDIRECT, 'invalid_request');
      for (const bad of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`, `${'a'.repeat(42)}=`, `${'a'.repeat(42)}/`, `${'a'.repeat(42)}é`, `${'a'.repeat(21)} ${'a'.repeat(21)}`]) {
        await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge: bad }), REDIRECT, 'invalid_request');
      }
    });

    test('duplicated parameters → invalid_request (page for client_id/redirect_uri)', async () => {
      const base = authorizeUrl(p, creds);
      for (const name of ['response_type', 'scope', 'code_challenge', 'code_challenge_method', 'nonce']) {
        const url = new URL(base);
        url.searchParams.append(name, url.searchParams.get(name)!);
        await assertAuthorizeRedirectError(url.href, REDIRECT, 'invalid_request');
      }
      const dupState = new URL(base);
      dupState.searchParams.append('state', 'state-2');
      const r = await fetch(dupState, { redirect: 'manual' });
      assert.equal(r.status, 302);
      assert.equal(new URL(r.headers.get('location')!).searchParams.get('error'), 'invalid_request');
      for (const name of ['client_id', 'redirect_uri']) {
        const url = new URL(base);
        url.searchParams.append(name, url.searchParams.get(name)!);
        await assertAuthorizeErrorPage(url.href);
      }
    });

    test('huge state (> 2048 characters) → invalid_request; 2048 is accepted', async () => {
      const huge = 's'.repeat(2049);
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { state: huge }), REDIRECT, 'invalid_request', huge);
      const r = await fetch(authorizeUrl(p, creds, { state: 's'.repeat(2048), code_challenge: (await pkcePair()).challenge }), { redirect: 'manual' });
      assert.equal(r.status, 200);
      await r.text();
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { nonce: 'n'.repeat(2049) }), REDIRECT, 'invalid_request');
    });

    test('request objects are refused', async () => {
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { request: 'eyJhbGciOiJub25lIn0.e30.' }), REDIRECT, 'invalid_request');
      await assertAuthorizeRedirectError(authorizeUrl(p, creds, { request_uri: 'https://x.example/r' }), REDIRECT, 'invalid_request');
    });

    test('a redirect URI with a query keeps it and gets error + state added', async () => {
      const withQuery = await p.createClient({ scopes: 'openid', redirectUris: ['http://localhost:5001/cb?tenant=a'] });
      const r = await fetch(authorizeUrl(p, withQuery, { response_type: 'token' }), { redirect: 'manual' });
      assert.equal(r.status, 302);
      const loc = new URL(r.headers.get('location')!);
      assert.equal(loc.searchParams.get('tenant'), 'a');
      assert.equal(loc.searchParams.get('error'), 'unsupported_response_type');
      assert.equal(loc.searchParams.get('state'), 'state-1');
    });
  });

  test('a request the HTTP parser refuses gets a 400 JSON answer; its answer to HEAD has no body', async () => {
    const port = Number(new URL(p.url).port);
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        let got = '';
        s.on('data', (d: Buffer) => (got += d.toString('latin1')));
        s.on('close', () => resolve(got));
        s.on('error', () => undefined);
        s.end(Buffer.from(request, 'latin1'));
      });
    // 0xff in the request target is not HTTP.
    const get = await raw('GET /\u00ff HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(get, /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Content-Type: application\/json\r\n[\s\S]*\r\n\r\n\{"error":"invalid_request","error_description":"[^"]+"\}$/);
    const head = await raw('HEAD /\u00ff HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.ok(head.endsWith('\r\n\r\n'), `a body after the answer to HEAD: ${JSON.stringify(head)}`);
  });

  test('after all of that the provider still serves a full login (no 500 was ever answered)', async () => {
    const { access_token } = await loginForTokens(p, creds, { scope: 'openid myinfo.name' });
    assert.equal((await getUserinfo(p, access_token)).status, 200);
    assert.equal(p.provider.ctx.metrics.errors.get('server_error'), undefined);
  });
});
