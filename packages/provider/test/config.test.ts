/**
 * Configuration as an operator meets it: --port and SGID_PORT (the flag wins), bad values named
 * by their flag or variable, and the issuer taken from --public-url — never from the Host header.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { PATHS } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { ConfigError, loadConfig } from '../src/config.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { runCli, startCliServer } from './helpers/cli.js';
import type { RunningServer } from './helpers/cli.js';
import { authorizeUrl, pkcePair } from './helpers/oauth.js';
import { freePort, startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';

const REDIRECT = 'http://localhost:5001/api/redirect';

/** A raw HTTP request to 127.0.0.1:port with headers fetch would not let us set (Host). */
function raw(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const EVIL = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'host=evil.example;proto=https' };

describe('config: flags, environment, validation', () => {
  test('bad values are refused with a message naming the flag and the variable', () => {
    const cases: [Record<string, string>, Record<string, string>, RegExp][] = [
      [{ port: 'abc' }, {}, /--port/],
      [{ port: '70000' }, {}, /--port/],
      [{ port: '-1' }, {}, /--port/],
      [{}, { SGID_PORT: 'abc' }, /SGID_PORT/],
      [{ 'login-ttl': '0' }, {}, /--login-ttl/],
      [{ 'code-ttl': '1.5' }, {}, /--code-ttl/],
      [{}, { SGID_TOKEN_TTL: 'soon' }, /SGID_TOKEN_TTL/],
      [{ 'auth-failure-limit': '0' }, {}, /--auth-failure-limit/],
      [{ 'public-url': 'not a url' }, {}, /--public-url/],
      [{ 'public-url': 'ftp://sgid.example' }, {}, /--public-url/],
      [{ 'log-level': 'loud' }, {}, /--log-level/],
      [{ 'database-url': 'postgres://x/y' }, {}, /--redis-url/],
    ];
    for (const [flags, env, re] of cases) {
      assert.throws(
        () => loadConfig(flags, env),
        (err: Error) => err instanceof ConfigError && re.test(err.message),
        `${JSON.stringify(flags)} ${JSON.stringify(env)}`,
      );
    }
  });

  test('precedence: flag over environment over default; issuer is <public-url origin>/v2', () => {
    assert.equal(loadConfig({}, {}).port, 5156);
    assert.equal(loadConfig({}, { SGID_PORT: '6000' }).port, 6000);
    assert.equal(loadConfig({ port: '7000' }, { SGID_PORT: '6000' }).port, 7000);
    assert.equal(loadConfig({ port: '7000' }, {}).issuer, 'http://localhost:7000/v2');
    const c = loadConfig({ 'public-url': 'https://sgid.example.com/some/path?x=1' }, { SGID_PUBLIC_URL: 'https://ignored.example' });
    assert.equal(c.publicUrl, 'https://sgid.example.com');
    assert.equal(c.issuer, 'https://sgid.example.com/v2');
    assert.equal(loadConfig({}, { SGID_PUBLIC_URL: 'https://env.example' }).issuer, 'https://env.example/v2');
  });

  test('the CLI reports bad values with exit code 2, naming the flag or the variable', async () => {
    const [flag, env] = await Promise.all([
      runCli(['start', '--port', 'abc', '--data', ':memory:']),
      runCli(['start', '--data', ':memory:'], { SGID_PORT: 'eighty' }),
    ]);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /--port/);
    assert.equal(env.code, 2, env.stderr);
    assert.match(env.stderr, /SGID_PORT/);
  });

  test('the CLI server listens on --port (over SGID_PORT) and on SGID_PORT alone; issuer from --public-url, not Host', async () => {
    const [p1, p2, decoy] = await Promise.all([freePort(), freePort(), freePort()]);
    const started = await Promise.allSettled([
      startCliServer(['--port', String(p1), '--host', '127.0.0.1', '--data', ':memory:', '--log-level', 'silent', '--public-url', 'http://sgid.public.test:8443'], {
        SGID_PORT: String(decoy),
      }),
      startCliServer(['--host', '127.0.0.1', '--data', ':memory:', '--log-level', 'silent'], { SGID_PORT: String(p2) }),
    ]);
    if (started.some((r) => r.status === 'rejected')) {
      // One did not start: stop the other, then fail with the reason.
      await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
      throw (started.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    }
    const [byFlag, byEnv] = started.map((r) => (r as PromiseFulfilledResult<RunningServer>).value) as [RunningServer, RunningServer];
    try {
      assert.match(byFlag.banner, /issuer\s+http:\/\/sgid\.public\.test:8443\/v2/);
      const d1 = await raw(p1, PATHS.discovery, EVIL);
      assert.equal(d1.status, 200);
      const doc1 = JSON.parse(d1.text) as Record<string, string>;
      assert.equal(doc1['issuer'], 'http://sgid.public.test:8443/v2');
      for (const k of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
        assert.ok(doc1[k]!.startsWith('http://sgid.public.test:8443/v2/'), `${k}: ${doc1[k]}`);
      }
      assert.ok(!d1.text.includes('evil'));
      await assert.rejects(fetch(`http://127.0.0.1:${decoy}/healthz`), 'SGID_PORT must lose to --port');

      const d2 = await raw(p2, PATHS.discovery, EVIL);
      assert.equal((JSON.parse(d2.text) as { issuer: string }).issuer, `http://localhost:${p2}/v2`, 'default public URL from the port');
    } finally {
      const codes = await Promise.all([byFlag.stop(), byEnv.stop()]);
      assert.deepEqual(codes, [0, 0], 'SIGTERM stops the server cleanly');
    }
  });
});

describe('issuer from the configured public URL, never the Host header', () => {
  const PUBLIC = 'http://sgid.public.test:8443';
  const persona = builtInPersonas(new Date())[0]!;
  let p: TestProvider;
  let port: number;
  let creds: ClientCredentials;
  before(async () => {
    port = await freePort();
    p = await startProvider({ port, publicUrl: PUBLIC, autoApprove: persona.id });
    creds = await p.createClient({ scopes: 'openid', redirectUris: [REDIRECT] });
  });
  after(() => p.close());

  test('discovery, the QR page links and the ID token iss ignore Host / X-Forwarded-*', async () => {
    assert.equal(p.issuer, `${PUBLIC}/v2`);
    const d = await raw(port, PATHS.discovery, EVIL);
    assert.equal((JSON.parse(d.text) as { issuer: string }).issuer, `${PUBLIC}/v2`);

    const pkce = await pkcePair();
    const url = new URL(authorizeUrl(p, creds, { code_challenge: pkce.challenge }).replace(PUBLIC, `http://127.0.0.1:${port}`));
    const a = await raw(port, `${url.pathname}${url.search}`, EVIL);
    assert.equal(a.status, 302, a.text);
    const code = new URL(a.headers['location'] as string).searchParams.get('code')!;
    const t = await raw(
      port,
      PATHS.token,
      { ...EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      'POST',
      new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: creds.id, client_secret: creds.secret, code_verifier: pkce.verifier }).toString(),
    );
    assert.equal(t.status, 200, t.text);
    const idToken = (JSON.parse(t.text) as { id_token: string }).id_token;
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as { iss: string };
    assert.equal(payload.iss, `${PUBLIC}/v2`);
  });

  test('the wallet link on the QR page uses the public URL', async () => {
    const noAuto = await startProvider({ port: await freePort(), publicUrl: PUBLIC });
    try {
      const c = await noAuto.createClient({ scopes: 'openid', redirectUris: [REDIRECT] });
      const local = new URL(authorizeUrl(noAuto, c, { code_challenge: (await pkcePair()).challenge }).replace(PUBLIC, `http://127.0.0.1:${noAuto.config.port}`));
      const page = await raw(noAuto.config.port, `${local.pathname}${local.search}`, EVIL);
      assert.equal(page.status, 200, page.text.slice(0, 300));
      assert.match(page.text, new RegExp(`href="${PUBLIC.replace(/\./g, '\\.')}/wallet/`));
      assert.ok(!page.text.includes('evil.example'));
    } finally {
      await noAuto.close();
    }
  });
});
