/**
 * The Flask example (examples/flask-spa, on our Python SDK) end to end in Chromium, as the docs'
 * guide runs it: the frontend on its own origin calls the Flask backend's /api with credentials,
 * the browser goes to the provider's QR page, the wallet on a phone-sized page (opened from the
 * URL decoded from the QR image) approves, and the frontend shows the name and the flavour.
 *
 * Needs Debian's python3 with python3-flask, python3-flask-cors, python3-jwcrypto,
 * python3-cryptography, python3-requests, and Chromium (/usr/bin/chromium or SGID_CHROMIUM).
 * Without them these tests FAIL with a message naming what is missing; SGID_SKIP_BROWSER=1 skips
 * them on purpose. Screenshots go to test-results/screenshots/flask-*.png.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.js';
import { freePort, startProvider } from '../../../packages/provider/test/helpers/provider.js';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.js';
import { SKIP_BROWSER } from '../../../packages/provider/test/helpers/browser.js';
import { checkPython } from '../../../scripts/python-tests.mjs';

type DecodeQr = typeof jsQRModule.default;
const jsQR: DecodeQr = (jsQRModule as unknown as { default?: DecodeQr }).default ?? (jsQRModule as unknown as DecodeQr);

const HERE = fileURLToPath(new URL('..', import.meta.url));
const SDK_SRC = fileURLToPath(new URL('../../../packages/python-client/src', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));
const CHROMIUM = process.env['SGID_CHROMIUM'] || '/usr/bin/chromium';
// SGID_SKIP_BROWSER=1 skips on purpose, except under CI (see packages/provider/test/helpers/browser.ts).
const SKIP = SKIP_BROWSER;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const CLIENT_NAME = 'Flask ice cream demo';

interface Server {
  url: string;
  child: ChildProcess;
  output: string[];
}

/** Starts one of the example's Python programs on a free port and waits until it answers. */
async function startPython(python: string, script: string, port: number, env: Record<string, string>, probe: string): Promise<Server> {
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(python, [join(HERE, script)], {
    cwd: HERE,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', PYTHONPATH: SDK_SRC, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited ${child.exitCode}:\n${output.join('')}`);
    if (await fetch(url + probe).then(() => true, () => false)) return { url, child, output };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not answer within ${DEADLINE_MS} ms:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

async function shot(page: Page, name: string): Promise<void> {
  writeFileSync(join(SCREENSHOTS, `flask-${name}.png`), await page.screenshot({ fullPage: true }));
}

async function decodeQr(page: Page): Promise<string> {
  await page.locator('#qr svg').waitFor({ state: 'visible' });
  const png = PNG.sync.read(await page.locator('#qr').screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  assert.ok(found, 'no QR code could be decoded from the #qr element');
  return found.data;
}

/** The phone: opens the wallet from the QR code, picks the persona at `index`, approves or declines. */
async function answerOnPhone(browser: Browser, qrPage: Page, index: number, decision: 'Approve' | 'Decline'): Promise<string> {
  const walletUrl = await decodeQr(qrPage);
  const context = await browser.newContext(PHONE);
  try {
    const wallet = await context.newPage();
    await wallet.goto(walletUrl);
    await wallet.getByRole('heading', { name: `Log in to ${CLIENT_NAME}` }).waitFor();
    const option = wallet.locator('label.persona').nth(index);
    const name = (await option.locator('.persona-name').textContent())?.trim();
    assert.ok(name);
    await option.click();
    await wallet.getByRole('button', { name: 'Continue' }).click();
    await wallet.waitForURL(/\/consent\?persona=/);
    await shot(wallet, `wallet-consent-${index}`);
    await wallet.getByRole('button', { name: decision }).click();
    await wallet.getByRole('heading', { name: decision === 'Approve' ? 'Approved' : 'Declined' }).waitFor();
    return name;
  } finally {
    await context.close();
  }
}

describe('Flask example (Python SDK) in a browser', { concurrency: false }, () => {
  let provider: TestProvider | undefined;
  let backend: Server | undefined;
  let frontend: Server | undefined;
  let browser: Browser | undefined;
  let problem: string | undefined;

  before(async () => {
    if (SKIP) return;
    const py = checkPython();
    if (py.problem || !py.python) {
      problem = `the Flask example needs Python: ${py.problem}`;
      return;
    }
    if (!existsSync(CHROMIUM)) {
      problem = `Chromium not found at ${CHROMIUM}: apt-get install chromium, or set SGID_CHROMIUM (SGID_SKIP_BROWSER=1 skips on purpose)`;
      return;
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    provider = await startProvider();
    // The two origins of the docs' set-up: backend (:5001 there) and frontend (:5173 there).
    const backendPort = await freePort();
    const frontendPort = await freePort();
    const backendUrl = `http://127.0.0.1:${backendPort}`;
    const frontendUrl = `http://127.0.0.1:${frontendPort}`;
    const creds = await provider.createClient({
      name: CLIENT_NAME,
      description: 'Shows your name next to the ice cream flavour you picked.',
      scopes: ['openid', 'myinfo.name'],
      redirectUris: [`${backendUrl}/api/redirect`],
    });
    backend = await startPython(
      py.python,
      'app.py',
      backendPort,
      {
        SGID_CLIENT_ID: creds.id,
        SGID_CLIENT_SECRET: creds.secret,
        SGID_PRIVATE_KEY: creds.privateKey!,
        SGID_HOSTNAME: provider.url,
        SGID_FRONTEND_HOST: frontendUrl,
        SGID_REDIRECT_URI: `${backendUrl}/api/redirect`,
      },
      '/api/userinfo',
    );
    frontend = await startPython(py.python, 'frontend.py', frontendPort, { SGID_DEMO_BACKEND: backendUrl }, '/');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await stop(frontend);
    await stop(backend);
    await provider?.close();
  });

  const ready = () => {
    if (problem) assert.fail(problem);
    assert.ok(provider && backend && frontend && browser, 'set-up failed');
    return { provider, backend, frontend, browser };
  };

  async function startLogin(page: Page, flavour: string): Promise<void> {
    const { frontend: f, provider: p } = ready();
    await page.goto(f.url);
    await page.locator('#view-home').waitFor({ state: 'visible' });
    await page.locator('#icecream').selectOption(flavour);
    await page.getByRole('button', { name: 'Login with Singpass' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${p.url}/v2/oauth/authorize`));
    await page.getByRole('heading', { name: `Log in to ${CLIENT_NAME}` }).waitFor();
  }

  test('login through the QR page and the wallet: the frontend shows the name and the flavour', { skip: SKIP, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready();
    const context = await s.browser.newContext(DESKTOP);
    const page = await context.newPage();
    await startLogin(page, 'Chocolate');
    await shot(page, 'qr');
    // Persona 3: the long-term visit pass holder with a Vietnamese name (non-ASCII).
    const name = await answerOnPhone(s.browser, page, 3, 'Approve');
    assert.ok(!/^[\x00-\x7f]*$/.test(name), `a non-ASCII name: ${name}`);
    await page.waitForURL(`${s.frontend.url}/logged-in`, { timeout: DEADLINE_MS });
    await page.locator('#view-success').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#user-name').textContent(), name);
    assert.equal(await page.locator('#ice-cream').textContent(), 'Chocolate');
    await shot(page, 'logged-in');

    // The docs' contract, as the frontend's origin sees it.
    const me = await page.evaluate(async (backendUrl) => {
      const r = await fetch(`${backendUrl}/api/userinfo`, { credentials: 'include' });
      return { status: r.status, body: (await r.json()) as { sub: string; data: Record<string, string> } };
    }, s.backend.url);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.data, { 'myinfo.name': name, iceCream: 'Chocolate' });
    assert.match(me.body.sub, /\S/);
    assert.equal(await page.locator('#user-sub').textContent(), me.body.sub);
    const cookie = (await context.cookies(s.backend.url)).find((c) => c.name === 'exampleAppSession');
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(cookie?.sameSite, 'Lax');

    // Log out: back home, and the backend answers 401.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${s.frontend.url}/`);
    await page.locator('#view-home').waitFor({ state: 'visible' });
    const after = await page.evaluate(async (backendUrl) => (await fetch(`${backendUrl}/api/userinfo`, { credentials: 'include' })).status, s.backend.url);
    assert.equal(after, 401);
    await context.close();
  });

  test('declining in the wallet sends the browser to the frontend\'s /error', { skip: SKIP, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready();
    const context = await s.browser.newContext(DESKTOP);
    const page = await context.newPage();
    await startLogin(page, 'Durian');
    await answerOnPhone(s.browser, page, 0, 'Decline');
    await page.waitForURL(`${s.frontend.url}/error`, { timeout: DEADLINE_MS });
    await page.getByRole('alert').waitFor({ state: 'visible' });
    await shot(page, 'declined');
    await context.close();
  });

  test('CORS: the frontend\'s origin with credentials, no other origin', { skip: SKIP, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready();
    const ours = await fetch(`${s.backend.url}/api/auth-url?icecream=Vanilla`, { headers: { origin: s.frontend.url } });
    assert.equal(ours.status, 200);
    assert.equal(ours.headers.get('access-control-allow-origin'), s.frontend.url);
    assert.equal(ours.headers.get('access-control-allow-credentials'), 'true');
    const { url } = (await ours.json()) as { url: string };
    assert.ok(url.startsWith(`${s.provider.url}/v2/oauth/authorize?`));
    const other = await fetch(`${s.backend.url}/api/userinfo`, { headers: { origin: 'http://evil.example' } });
    assert.equal(other.status, 401);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    // Logging out without a session is not an error (the guide's code answers 500).
    assert.equal((await fetch(`${s.backend.url}/api/logout`)).status, 200);
    // A redirect without this browser's session goes to /error, never 500.
    const stray = await fetch(`${s.backend.url}/api/redirect?code=x&state=y`, { redirect: 'manual' });
    assert.equal(stray.status, 302);
    assert.equal(stray.headers.get('location'), `${s.frontend.url}/error`);
  });
});
