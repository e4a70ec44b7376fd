/**
 * The Next.js example in a real Next.js: built once with `next build` (Turbopack, TypeScript
 * check), served by `next start`, logged in through the provider's QR page and its wallet on a
 * phone-sized page in Chromium. It proves sgid-client's Next.js adapter (`nextLoginRoutes`) in
 * the framework, not only in unit tests: route handlers that set the login cookie, the callback
 * that turns it into a finished-login marker beside the app's session cookie, a server-rendered
 * success page, a server action that logs out.
 *
 * Needs Chromium (packages/provider/test/helpers/browser.ts). Screenshots: test-results/screenshots/nextjs-*.png.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.js';
import { DESKTOP, SKIP_BROWSER, answerOnPhone, launchChromium, screenshot } from '../../../packages/provider/test/helpers/browser.js';
import { freePort, startProvider } from '../../../packages/provider/test/helpers/provider.js';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const NEXT_BIN = createRequire(new URL('../package.json', import.meta.url)).resolve('next/dist/bin/next');
const CLIENT_NAME = 'Next.js ice cream demo';

/** Runs the Next.js CLI in the example's folder; resolves with its output, rejects naming it. */
function next(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: string[]; exited: Promise<number | null> } {
  const output: string[] = [];
  const child = spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: APP_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

/** Waits until the server answers, or fails with its output if it exits first. */
async function waitUntilUp(url: string, server: ReturnType<typeof next>): Promise<void> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  for (;;) {
    if (exited) assert.fail(`next start exited:\n${server.output.join('')}`);
    if (await fetch(url, { redirect: 'manual' }).then((r) => r.status === 200, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Next.js example (App Router) on the SDK\'s Next.js adapter', { concurrency: false }, () => {
  let provider: TestProvider | undefined;
  let server: ReturnType<typeof next> | undefined;
  let appUrl = '';
  let credentialsDir: string | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  before(async () => {
    // Built once per run: the build is the slow part (about a minute on two cores).
    const build = next(['build']);
    const code = await build.exited;
    assert.equal(code, 0, `next build failed:\n${build.output.join('')}`);

    provider = await startProvider();
    const port = await freePort();
    appUrl = `http://localhost:${port}`;
    const creds = await provider.createClient({
      name: CLIENT_NAME,
      description: 'Shows your name next to the ice cream flavour you picked.',
      scopes: ['openid', 'myinfo.name'],
      redirectUris: [`${appUrl}/api/sgid/callback`],
    });
    // The credentials file as the portal or `clients create --json` gives it (the README's way).
    credentialsDir = mkdtempSync(join(tmpdir(), 'sgid-nextjs-'));
    const credentialsFile = join(credentialsDir, 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify(creds), { mode: 0o600 });
    server = next(['start', '-p', String(port), '-H', '127.0.0.1'], {
      SGID_CREDENTIALS_FILE: credentialsFile,
      SGID_HOSTNAME: provider.url,
      SGID_COOKIE_SECRET: randomBytes(32).toString('base64url'),
      APP_URL: appUrl,
    });
    await waitUntilUp(appUrl, server);
    if (!SKIP_BROWSER) browser = await launchChromium();
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await provider?.close();
    if (credentialsDir) rmSync(credentialsDir, { recursive: true, force: true });
  });

  const newPage = async (): Promise<Page> => {
    assert.ok(browser, 'Chromium did not start');
    const context = await browser.newContext(DESKTOP);
    contexts.push(context);
    return context.newPage();
  };

  /** Home → flavour → "Login with Singpass" → the provider's QR page. */
  async function startLogin(page: Page, flavour: string): Promise<void> {
    assert.ok(provider);
    await page.goto(appUrl);
    await page.getByRole('radio', { name: flavour, exact: true }).check();
    await page.getByRole('button', { name: 'Login with Singpass' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${provider!.url}/v2/oauth/authorize`));
    await page.getByRole('heading', { name: `Log in to ${CLIENT_NAME}` }).waitFor();
  }

  test('login: flavour → QR → wallet → the server-rendered success page → reload → logout', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    assert.ok(browser);
    const page = await newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(appUrl);
    await screenshot(page, 'nextjs-01-home');
    await startLogin(page, 'Durian');
    const name = await answerOnPhone(browser, page, { persona: 0, clientName: CLIENT_NAME });

    await page.waitForURL(`${appUrl}/success`, { timeout: DEADLINE_MS });
    assert.equal(await page.locator('#user-name').textContent(), name);
    assert.equal(await page.locator('#user-flavour').textContent(), 'Durian');
    const sub = (await page.locator('#user-sub').textContent()) ?? '';
    assert.match(sub, /^\S{8,}$/);
    await screenshot(page, 'nextjs-02-success');

    // The cookies the adapter and the app set, as the browser holds them.
    const cookies = await page.context().cookies(appUrl);
    const session = cookies.find((c) => c.name === 'icecream_session');
    assert.ok(session?.httpOnly && session.sameSite === 'Lax', 'the session cookie is HttpOnly, SameSite=Lax');
    assert.ok(cookies.find((c) => c.name === 'sgid_login')?.httpOnly, 'the login cookie now marks the finished login');

    // Server-rendered: the HTML itself carries the user, before any script runs.
    const html = await (await fetch(`${appUrl}/success`, { headers: { cookie: `icecream_session=${session.value}` } })).text();
    assert.ok(html.includes(sub) && html.includes('Durian'), 'the success page is rendered on the server');

    await page.reload();
    assert.equal(await page.locator('#user-name').textContent(), name, 'the session survives a reload');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${appUrl}/`);
    await page.getByRole('button', { name: 'Login with Singpass' }).waitFor();
    assert.equal(await page.locator('#logged-in-as').count(), 0);
    await page.goto(`${appUrl}/success`);
    await page.waitForURL(`${appUrl}/?error=logged_out`);
    assert.match((await page.locator('#error').textContent()) ?? '', /You are not logged in/);
    assert.deepEqual(pageErrors, []);
  });

  test('decline in the wallet: the home page says so', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    assert.ok(browser);
    const page = await newPage();
    await startLogin(page, 'Vanilla');
    await answerOnPhone(browser, page, { decision: 'decline', clientName: CLIENT_NAME });
    await page.waitForURL(`${appUrl}/?error=declined`, { timeout: DEADLINE_MS });
    assert.match((await page.locator('#error').textContent()) ?? '', /You declined to share your data/);
    await screenshot(page, 'nextjs-03-declined');
  });

  test('Back after a login, approved as someone else: the approval is not used, the page says who is logged in', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    assert.ok(browser && provider);
    const page = await newPage();
    await startLogin(page, 'Teh tarik');
    const first = await answerOnPhone(browser, page, { persona: 0, clientName: CLIENT_NAME });
    await page.waitForURL(`${appUrl}/success`, { timeout: DEADLINE_MS });

    await page.goBack();
    await page.waitForURL((u) => u.href.startsWith(`${provider!.url}/v2/oauth/authorize`));
    const second = await answerOnPhone(browser, page, { persona: 3, clientName: CLIENT_NAME });
    assert.notEqual(second, first);
    await page.waitForURL(`${appUrl}/success?error=already_finished`, { timeout: DEADLINE_MS });
    const said = (await page.locator('#error').textContent()) ?? '';
    assert.match(said, /That second approval was not used/);
    assert.ok(said.includes(`You are still logged in as ${first}.`), said);
    assert.equal(await page.locator('#user-name').textContent(), first);
    await screenshot(page, 'nextjs-04-back-after-login');
  });

  test('over HTTP: the login route refuses an unknown flavour, the callback without a login, other paths', async () => {
    const flavour = await fetch(`${appUrl}/api/sgid/login?icecream=pistachio`, { redirect: 'manual' });
    assert.equal(flavour.status, 303);
    assert.equal(flavour.headers.get('location'), `${appUrl}/?error=flavour`);
    assert.equal(flavour.headers.getSetCookie().length, 0);

    const start = await fetch(`${appUrl}/api/sgid/login?icecream=chocolate`, { redirect: 'manual' });
    assert.equal(start.status, 302);
    assert.match(start.headers.get('location') ?? '', /\/v2\/oauth\/authorize\?/);
    assert.match(start.headers.getSetCookie()[0] ?? '', /^sgid_login=[^;]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal(start.headers.get('cache-control'), 'no-store');

    const stray = await fetch(`${appUrl}/api/sgid/callback?code=abc&state=def`, { redirect: 'manual' });
    assert.equal(stray.headers.get('location'), `${appUrl}/?error=not_started_here`);
    assert.equal((await fetch(`${appUrl}/api/sgid/elsewhere`)).status, 404);
    assert.equal((await fetch(appUrl)).headers.get('x-powered-by'), null);
    // Every page links its icon, so browsers do not ask for a missing /favicon.ico.
    assert.match(await (await fetch(appUrl)).text(), /<link rel="icon" href="\/icon\.svg/);
  });
});
