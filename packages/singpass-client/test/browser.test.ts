/**
 * Runtime neutrality: the SDK bundled for the browser (esbuild, platform "browser": a Node
 * built-in import would fail the build) runs a whole Myinfo login inside a real Chromium page,
 * where `process`, `require` and `Buffer` do not exist — WebCrypto makes the DPoP key, signs the
 * assertions and proofs, decrypts and verifies (the jose backend). The page is served by a small
 * server that also reverse-proxies /fapi/* to the provider (whose public URL is the proxy's
 * origin), so the page's requests are same-origin. The authorize step's 302 is followed from
 * Node (a page cannot read a redirect's Location). Without Chromium this test fails, unless
 * SGID_SKIP_BROWSER=1 is set explicitly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SKIP_BROWSER, launchChromium } from '../../provider/test/helpers/browser.ts';
import { DEADLINE_MS } from '../../provider/test/helpers/deadlines.ts';
import { startProvider, type TestProvider } from '../../provider/test/helpers/provider.ts';
import { createSingpassClient } from '../../provider/src/portal/singpass-clients.ts';
import { builtInPersonas } from '../../provider/src/wallet/personas/index.ts';
import { generateKeys, toPublicJwks, type Jwks } from '../src/index.ts';

const skip = SKIP_BROWSER !== false;
const here = dirname(fileURLToPath(import.meta.url));
const REDIRECT = 'http://localhost:3080/callback';

const ENTRY = `
import { SingpassClient, toPlainPerson } from 'singpass-client';
let client, session;
globalThis.singpassStart = async (options) => {
  client = new SingpassClient(options);
  const started = await client.authorizationUrl();
  session = JSON.parse(JSON.stringify(started.session));
  return started.url;
};
globalThis.singpassFinish = async (callbackUrl) => {
  const tokens = await client.callback(callbackUrl, session);
  const { personInfo } = await client.userinfo(tokens);
  return { sub: tokens.sub, person: toPlainPerson(personInfo), globals: [typeof globalThis.process, typeof globalThis.require, typeof globalThis.Buffer] };
};
`;

let provider: TestProvider;
let server: Server;
let origin: string;
let keys: Jwks;
let clientId: string;

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
  const bundle = built.outputFiles[0]!.text;
  let providerPort = 0;
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>singpass-client in a browser</title><script type="module" src="/sdk.js"></script>');
    }
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return res.end(bundle);
    }
    if (req.url?.startsWith('/fapi/')) {
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
  keys = (await generateKeys()).privateJwks;
  clientId = (
    await createSingpassClient(provider.store, {
      name: 'Browser app',
      description: 'singpass-client in Chromium',
      appType: 'myinfo',
      scopes: 'openid uinfin name regadd mobileno',
      redirectUris: [REDIRECT],
      jwks: toPublicJwks(keys),
    })
  ).id;
});

after(async () => {
  if (skip) return;
  await provider.close();
  await new Promise<void>((r) => server.close(() => r()));
});

test('a whole Myinfo login inside a Chromium page (WebCrypto only)', { skip: skip && String(SKIP_BROWSER) }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(DEADLINE_MS);
    await page.goto(origin);
    await page.waitForFunction(() => typeof (globalThis as { singpassStart?: unknown }).singpassStart === 'function');
    const url = await page.evaluate(
      (o) => (globalThis as unknown as { singpassStart(o: unknown): Promise<string> }).singpassStart(o),
      { issuer: `${origin}/fapi`, clientId, keys, appType: 'myinfo', scope: 'openid uinfin name regadd mobileno', redirectUri: REDIRECT, allowHttpLoopback: true },
    );
    const answer = await fetch(url, { redirect: 'manual' });
    assert.equal(answer.status, 302);
    const result = await page.evaluate(
      (callbackUrl) => (globalThis as unknown as { singpassFinish(u: string): Promise<{ sub: string; person: Record<string, string>; globals: string[] }> }).singpassFinish(callbackUrl),
      answer.headers.get('location')!,
    );
    const persona = builtInPersonas(new Date())[0]!;
    assert.deepEqual(result.globals, ['undefined', 'undefined', 'undefined'], 'no Node globals in the page');
    assert.equal(result.person.uinfin, persona.id);
    assert.equal(result.person.name, persona.values['myinfo.name']);
    assert.match(result.person.mobileno!, /^\+65 \d{8}$/);
  } finally {
    await browser.close();
  }
});
