/**
 * The docs' backend contract as a reusable test suite. The sgID docs' Express and Flask guides
 * share one frontend (the official demo SPA, on another origin); any backend that claims to follow
 * those guides must let it log in. `docsContractSuite` checks exactly what that frontend relies on:
 *
 *   GET /api/auth-url?icecream=Chocolate  → 200 { url } (sgID's authorize URL, this client's redirect URI)
 *   CORS for the frontend's origin with credentials: Access-Control-Allow-Origin: <frontend>,
 *                                          Access-Control-Allow-Credentials: true; none for other origins
 *   GET /api/redirect (the redirect URI)  → redirect to <frontend>/logged-in, or <frontend>/error
 *   GET /api/userinfo                     → { sub, data: { 'myinfo.name': …, iceCream: 'Chocolate' } }
 *   logged out                            → 401 with a body that is not JSON (the frontend parses
 *                                            any body and would take JSON for a user)
 *   GET /api/logout                       → ends the session
 *
 * first over HTTP, then in Chromium through the fixture frontend (./public, served by ./server.ts
 * on http://localhost:<port>), the provider's QR page and its wallet on a phone-sized page.
 *
 * Usage, from any example's test (see examples/express-spa/test/docs-contract.test.ts):
 *
 *   docsContractSuite('Flask example', async (env) => {
 *     const child = spawn('/usr/bin/python3', ['-m', 'flask', 'run', '--port', String(env.port)], { env: { …, SGID_FRONTEND_HOST: env.frontendUrl } });
 *     await waitUntilUp(env.url);
 *     return { close: async () => { child.kill(); } };
 *   });
 *
 * The suite starts the provider (SQLite in memory), registers a client for the backend with the
 * scopes `openid myinfo.name` and the redirect URI <backend>/api/redirect, starts the frontend,
 * then calls `startBackend` with everything the backend needs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.js';
import { DESKTOP, SKIP_BROWSER, answerOnPhone, launchChromium, screenshot } from '../../../packages/provider/test/helpers/browser.js';
import { freePort, startProvider } from '../../../packages/provider/test/helpers/provider.js';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.js';
import { startDocsFrontend } from './server.js';
import type { DocsFrontend } from './server.js';

/** What a backend under test is given. */
export interface DocsBackendEnv {
  /** The port it must listen on (on 127.0.0.1; the suite reaches it as http://localhost:<port>). */
  port: number;
  /** Its origin, http://localhost:<port>, as in the docs. */
  url: string;
  /** Its redirect URI, <url>/api/redirect, registered with the provider. */
  redirectUri: string;
  /** The provider's origin: the SDK's `hostname`. */
  providerUrl: string;
  /** The frontend's origin: the guides' `SGID_FRONTEND_HOST`. */
  frontendUrl: string;
  clientId: string;
  clientSecret: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

/** A started backend. */
export interface DocsBackend {
  close(): Promise<void>;
}

const CLIENT_NAME = 'Docs contract';
/** An origin the backend must not grant CORS to. */
const STRANGER = 'http://localhost:1';

/** Registers the suite: API checks over HTTP, then the frontend in Chromium. */
export function docsContractSuite(name: string, startBackend: (env: DocsBackendEnv) => Promise<DocsBackend>): void {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  describe(`the docs' frontend contract: ${name}`, { concurrency: false }, () => {
    let provider: TestProvider | undefined;
    let frontend: DocsFrontend | undefined;
    let backend: DocsBackend | undefined;
    let env: DocsBackendEnv | undefined;
    let browser: Browser | undefined;
    const contexts: BrowserContext[] = [];

    before(async () => {
      provider = await startProvider();
      const port = await freePort();
      const url = `http://localhost:${port}`;
      const creds = await provider.createClient({
        name: CLIENT_NAME,
        description: 'A backend from the docs, driven by their frontend.',
        scopes: ['openid', 'myinfo.name'],
        redirectUris: [`${url}/api/redirect`],
      });
      frontend = await startDocsFrontend({ backendUrl: url });
      env = {
        port,
        url,
        redirectUri: `${url}/api/redirect`,
        providerUrl: provider.url,
        frontendUrl: frontend.url,
        clientId: creds.id,
        clientSecret: creds.secret,
        privateKey: creds.privateKey!,
      };
      backend = await startBackend(env);
      if (!SKIP_BROWSER) browser = await launchChromium();
    });

    after(async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser?.close();
      await backend?.close();
      await frontend?.close();
      await provider?.close();
    });

    const ready = () => {
      assert.ok(env && provider && frontend, 'set-up failed');
      return { env, provider, frontend };
    };
    const newPage = async (): Promise<Page> => {
      assert.ok(browser, 'Chromium did not start');
      const context = await browser.newContext(DESKTOP);
      contexts.push(context);
      return context.newPage();
    };

    test('over HTTP: auth-url, CORS with credentials for the frontend only, a bare 401, logout', async () => {
      const { env, provider, frontend } = ready();
      const fromFrontend = { origin: frontend.url };

      const begin = await fetch(`${env.url}/api/auth-url?icecream=Chocolate`, { headers: fromFrontend });
      assert.equal(begin.status, 200, `GET /api/auth-url?icecream=Chocolate answered ${begin.status}`);
      assert.equal(begin.headers.get('access-control-allow-origin'), frontend.url);
      assert.equal(begin.headers.get('access-control-allow-credentials'), 'true');
      const { url } = (await begin.json()) as { url: string };
      const authorize = new URL(url);
      assert.equal(authorize.origin + authorize.pathname, `${provider.url}/v2/oauth/authorize`);
      assert.equal(authorize.searchParams.get('redirect_uri'), env.redirectUri);
      assert.deepEqual(authorize.searchParams.get('scope')?.split(' ').sort(), ['myinfo.name', 'openid']);
      assert.ok(begin.headers.getSetCookie().length > 0, 'auth-url sets a cookie that ties the login to this browser');

      const loggedOut = await fetch(`${env.url}/api/userinfo`, { headers: fromFrontend });
      assert.equal(loggedOut.status, 401);
      const body = await loggedOut.text();
      assert.throws(() => JSON.parse(body), SyntaxError, `a logged-out /api/userinfo must not answer JSON (the frontend would take it for a user): ${body}`);

      const out = await fetch(`${env.url}/api/logout`, { headers: fromFrontend });
      assert.ok(out.ok, `GET /api/logout answered ${out.status}`);

      const stranger = await fetch(`${env.url}/api/auth-url?icecream=Vanilla`, { headers: { origin: STRANGER } });
      assert.notEqual(stranger.headers.get('access-control-allow-origin'), STRANGER, 'no CORS for other origins');
      assert.notEqual(stranger.headers.get('access-control-allow-origin'), '*', 'no CORS for other origins');
    });

    test('in Chromium: flavour → QR → wallet → <frontend>/logged-in with name and flavour → reload → logout', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
      const { env, provider, frontend } = ready();
      const page = await newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(frontend.url);
      await page.getByRole('radio', { name: 'Chocolate' }).check();
      await screenshot(page, `${slug}-01-docs-frontend`);
      await page.getByRole('button', { name: 'Login with Singpass app' }).click();
      await page.waitForURL((u) => u.href.startsWith(`${provider.url}/v2/oauth/authorize`));

      assert.ok(browser);
      const name = await answerOnPhone(browser, page, { persona: 0, clientName: CLIENT_NAME });
      await page.waitForURL(`${frontend.url}/logged-in`, { timeout: DEADLINE_MS });
      await page.getByRole('heading', { name: 'Logged in successfully!' }).waitFor();
      assert.equal(await page.locator('#name').textContent(), name);
      assert.equal(await page.locator('#icecream').textContent(), 'Chocolate');
      assert.match((await page.locator('#sub').textContent()) ?? '', /^\S{8,}$/);
      await screenshot(page, `${slug}-02-docs-frontend-logged-in`);

      await page.reload();
      await page.getByRole('heading', { name: 'Logged in successfully!' }).waitFor();
      assert.equal(await page.locator('#name').textContent(), name, 'the session survives a reload');

      await page.getByRole('button', { name: 'Log out and try again' }).click();
      await page.waitForURL(`${frontend.url}/`);
      await page.getByRole('button', { name: 'Login with Singpass app' }).waitFor();
      // Logged out for real: /logged-in sends the browser home.
      await page.goto(`${frontend.url}/logged-in`);
      await page.waitForURL(`${frontend.url}/`);
      await page.getByRole('button', { name: 'Login with Singpass app' }).waitFor();
      assert.deepEqual(pageErrors, []);
      assert.equal(new URL(page.url()).origin, frontend.url, `the backend (${env.url}) only ever redirected to the frontend`);
    });

    test('in Chromium: declining in the wallet lands on <frontend>/error', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
      const { provider, frontend } = ready();
      const page = await newPage();
      await page.goto(frontend.url);
      await page.getByRole('radio', { name: 'Strawberry' }).check();
      await page.getByRole('button', { name: 'Login with Singpass app' }).click();
      await page.waitForURL((u) => u.href.startsWith(`${provider.url}/v2/oauth/authorize`));
      assert.ok(browser);
      await answerOnPhone(browser, page, { decision: 'decline', clientName: CLIENT_NAME });
      await page.waitForURL((u) => u.origin === frontend.url && u.pathname === '/error', { timeout: DEADLINE_MS });
      await page.getByRole('heading', { name: 'Something went wrong.' }).waitFor();
      await screenshot(page, `${slug}-03-docs-frontend-error`);
      // Still logged out.
      await page.getByRole('button', { name: 'Back to home' }).click();
      await page.waitForURL(`${frontend.url}/`);
      await page.getByRole('button', { name: 'Login with Singpass app' }).waitFor();
    });
  });
}
