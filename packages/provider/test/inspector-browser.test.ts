/**
 * The login inspector in Chromium: the page is open while a login runs; without a reload it
 * shows the login waiting for the wallet, then its token request refused for a wrong PKCE
 * verifier — the refusing check and the fix, the same description the token endpoint answered.
 * Needs Chromium (fails without it unless SGID_SKIP_BROWSER=1). Saves a screenshot to
 * test-results/screenshots/ (docs/inspector.png is one of them).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { authorizeUrl, getUserinfo, grantBody, pkcePair, postToken, tokenBody } from './helpers/oauth.js';
import type { IssuedCode } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { answerInWallet, continueToClient, openQrPage } from './helpers/wallet-flow.js';

const CHROMIUM = process.env['SGID_CHROMIUM'] ?? '/usr/bin/chromium';
const SKIP = process.env['SGID_SKIP_BROWSER'] === '1';
const SCREENSHOTS = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));
const REDIRECT = 'http://localhost:3000/callback';

let browser: Browser | undefined;
let p: TestProvider | undefined;

before(async () => {
  if (SKIP) return;
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: apt-get install chromium, or set SGID_SKIP_BROWSER=1 to skip on purpose`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  p = await startProvider();
});

after(async () => {
  await browser?.close();
  await p?.close();
});

/** A login through the QR page and the wallet, up to the code (the QR page is left waiting until `answer`). */
async function startLogin(provider: TestProvider, creds: { id: string; redirectUris: string[] }) {
  const pkce = await pkcePair();
  const state = 'st-' + Math.random().toString(36).slice(2);
  const nonce = 'n-' + Math.random().toString(36).slice(2);
  const qr = await openQrPage(authorizeUrl(provider, creds, { scope: 'openid myinfo.name', code_challenge: pkce.challenge, state, nonce }));
  return {
    async answer(): Promise<IssuedCode> {
      await answerInWallet(qr.walletUrl, undefined, 'approve');
      const back = await continueToClient(qr);
      return { code: back.searchParams.get('code')!, pkce, redirectUri: REDIRECT, state, nonce };
    },
  };
}

test('a wrong PKCE verifier: the inspector page shows, live, the refusing check and its fix', { skip: SKIP && 'SGID_SKIP_BROWSER=1', timeout: 90_000 }, async () => {
  assert.ok(browser && p);
  const creds = await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT], name: 'Ice cream shop' });

  // A login that goes well first, so the page shows both kinds.
  const good = await startLogin(p, creds);
  const issued = await good.answer();
  const tokens = await postToken(p, tokenBody(creds, issued));
  assert.equal(tokens.status, 200);
  assert.equal((await getUserinfo(p, tokens.body['access_token'] as string)).status, 200);

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${p.url}/portal/logins?client_id=${encodeURIComponent(creds.id)}`);
  await page.getByRole('heading', { name: 'Logins of Ice cream shop' }).waitFor();
  assert.equal(await page.locator('details.login').count(), 1);

  // A second login starts while the page is open: it appears by itself, waiting for the wallet.
  const bad = await startLogin(p, creds);
  const waiting = page.locator('details.login.outcome-waiting');
  await waiting.waitFor({ timeout: 15_000 });
  assert.match((await waiting.locator('summary.login-head').textContent()) ?? '', /waiting for the person to answer in the Singpass app/);

  // The app sends the wrong verifier.
  const second = await bad.answer();
  const wrong = (await pkcePair()).verifier;
  const refused = await postToken(p, grantBody(creds, second.code, wrong, second.redirectUri));
  assert.equal(refused.status, 400);
  const description = String(refused.body['error_description']);

  const login = page.locator('details.login.outcome-refused', { hasText: 'refused at token' });
  await login.waitFor({ timeout: 15_000 });
  assert.equal(await login.getAttribute('open'), '', 'the newest login is open');
  const step = login.locator('li.step[data-step="token"]');
  assert.equal((await step.locator('.refusing-check').textContent())?.trim(), 'PKCE: BASE64URL(SHA256(code_verifier)) equals the code_challenge');
  assert.equal((await step.locator('.fix').textContent())?.trim(), `Fix: ${description}`);
  assert.match((await step.locator('.error-code').textContent()) ?? '', /400 invalid_grant/);
  assert.match((await step.locator('.check-failed').textContent()) ?? '', /PKCE: BASE64URL/);
  assert.match((await login.locator('summary.login-head').textContent()) ?? '', /refused at token: PKCE/);
  // The earlier steps of that login are there too, and nothing in full that must not be.
  assert.deepEqual(await login.locator('li.step').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['step'])), ['authorize', 'wallet', 'code', 'token']);
  const text = (await page.locator('main').textContent()) ?? '';
  for (const secret of [second.code, wrong, second.pkce.verifier, creds.secret, tokens.body['access_token'] as string]) {
    assert.ok(!text.includes(secret), 'a secret, code, verifier or token is shown in full');
  }
  await page.locator('#live-status').filter({ hasText: 'Updates live.' }).waitFor();
  // What the reader opened or closed stays so across updates: close the first login, then
  // another request of this client changes the timeline.
  const first = page.locator('details.login.outcome-ok');
  assert.equal(await first.getAttribute('open'), '', 'the first login was open when the page loaded');
  await first.locator('summary.login-head').click();
  await fetch(authorizeUrl(p, creds, { scope: 'openid myinfo.sex' }), { redirect: 'manual' });
  await page.locator('details.login', { hasText: 'refused at authorize' }).waitFor({ timeout: 15_000 });
  assert.equal(await first.getAttribute('open'), null, 'still closed after the update');
  assert.equal(await login.getAttribute('open'), '', 'still open after the update');
  await first.locator('summary.login-head').click();
  await page.locator('details.login', { hasText: 'refused at authorize' }).locator('summary.login-head').click();
  await login.locator('li.step[data-step="token"] details.step-detail').first().locator('summary').click();
  // The page down to the refused login (docs/inspector.png).
  const bottom = await login.evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
  writeFileSync(join(SCREENSHOTS, 'inspector.png'), await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom + 24) } }));
  assert.deepEqual(errors, []);
  await context.close();
});
