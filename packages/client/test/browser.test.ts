/**
 * Runtime neutrality: the SDK, bundled for the browser (esbuild, platform "browser": a Node
 * built-in import would fail the build), runs a full callback + userinfo inside a real Chromium
 * page where `process`, `require` and `Buffer` do not exist. The page is served by a small
 * server that also reverse-proxies /v2/* to our provider (the provider's public URL is the
 * proxy's origin, as behind any reverse proxy), so the page's fetches are same-origin.
 * Without Chromium this test fails, unless SGID_SKIP_BROWSER=1 is set explicitly.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startProvider, type TestProvider } from '../../provider/test/helpers/provider.ts';
import { builtInPersonas } from '../../provider/src/wallet/personas/index.ts';
import { authorize } from './helpers/mockpass.ts';
import { SKIP_BROWSER, launchChromium } from '../../provider/test/helpers/browser.ts';

const skip = SKIP_BROWSER !== false;
const here = dirname(fileURLToPath(import.meta.url));

const ENTRY = `
import { SgidClient, generatePkcePair } from 'sgid-client';
let client, pending;
globalThis.sgidStart = (opts) => {
  client = new SgidClient(opts);
  const { codeVerifier, codeChallenge } = generatePkcePair();
  const { url, nonce } = client.authorizationUrl({ codeChallenge, state: 'browser-state', scope: opts.scope });
  pending = { codeVerifier, nonce };
  return url;
};
globalThis.sgidFinish = async (code) => {
  const { sub, accessToken } = await client.callback({ code, ...pending });
  const { data } = await client.userinfo({ sub, accessToken });
  return { sub, data, parsed: client.parseData(data, { booleans: true }) };
};
`;

let provider: TestProvider;
let server: Server;
let origin: string;
let bundle: string;

before(async () => {
  if (skip) return;
  const built = await build({
    stdin: { contents: ENTRY, resolveDir: here, loader: 'js' },
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    conditions: ['sgid-source'],
    logLevel: 'silent',
  });
  bundle = built.outputFiles[0]!.text;
  let providerPort = 0;
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>sgid-client in a browser</title><script type="module" src="/sdk.js"></script>');
    }
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return res.end(bundle);
    }
    if (req.url?.startsWith('/v2/')) {
      const upstream = httpRequest({ host: '127.0.0.1', port: providerPort, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      return req.pipe(upstream);
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider = await startProvider({ autoApprove: builtInPersonas(new Date())[0]!.id, publicUrl: origin });
  providerPort = provider.config.port;
});

after(async () => {
  if (skip) return;
  await provider?.close();
  await new Promise((r) => server?.close(r));
});

test('callback + userinfo inside a real Chromium page (no Node APIs)', { skip: SKIP_BROWSER }, async () => {
  const browser = await launchChromium();
  try {
    const scopes = ['openid', 'myinfo.name', 'myinfo.vehicles', 'myinfo.is_age_above_18'];
    const creds = await provider.createClient({ scopes, redirectUris: [`${origin}/callback`] });
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => typeof (globalThis as { sgidFinish?: unknown }).sgidFinish === 'function');
    const env = await page.evaluate(() => ({
      process: typeof (globalThis as { process?: unknown }).process,
      require: typeof (globalThis as { require?: unknown }).require,
      buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
      ua: navigator.userAgent,
    }));
    assert.deepEqual({ process: env.process, require: env.require, buffer: env.buffer }, { process: 'undefined', require: 'undefined', buffer: 'undefined' });
    assert.match(env.ua, /Chrome/);
    const authorizeUrl = await page.evaluate(
      (opts) => (globalThis as unknown as { sgidStart(o: unknown): string }).sgidStart(opts),
      { clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey!, hostname: origin, redirectUri: `${origin}/callback`, scope: scopes },
    );
    // The user's part (auto-approved by the provider): from Node, through the same proxy.
    const { code, state } = await authorize(authorizeUrl);
    assert.equal(state, 'browser-state');
    const result = await page.evaluate((c) => (globalThis as unknown as { sgidFinish(c: string): Promise<{ sub: string; data: Record<string, string>; parsed: Record<string, unknown> }> }).sgidFinish(c), code);
    assert.deepEqual(pageErrors, []);
    assert.ok(result.sub.length > 10);
    assert.deepEqual(Object.keys(result.data).sort(), scopes.slice(1).sort());
    assert.ok(Array.isArray(result.parsed['myinfo.vehicles']));
    assert.equal(typeof result.parsed['myinfo.is_age_above_18'], 'boolean');
  } finally {
    await browser.close();
  }
});
