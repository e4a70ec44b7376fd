/**
 * A developer registers a client in the provider's portal, in a real browser, downloads the
 * credentials file, and the demo app logs in with those credentials — the wallet on a
 * phone-sized page. Needs Chromium like e2e.test.ts (fails without it unless SGID_SKIP_BROWSER=1).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { ClientCredentials } from 'sgid-protocol';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.js';
import { SKIP_BROWSER, launchChromium, screenshot as shot } from '../../../packages/provider/test/helpers/browser.js';
import { freePort, startProvider } from '../../../packages/provider/test/helpers/provider.js';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.js';
import { startDemo } from '../src/index.js';
import type { RunningDemo } from '../src/index.js';

const NAME = 'Gelato registered in the portal';

let browser: Browser | undefined;
let provider: TestProvider | undefined;
let demo: RunningDemo | undefined;

before(async () => {
  if (SKIP_BROWSER) return;
  browser = await launchChromium();
  provider = await startProvider();
});

after(async () => {
  await browser?.close();
  await demo?.close();
  await provider?.close();
});

test('register a client in the portal, download its credentials, log in with them', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
  assert.ok(browser && provider);
  const port = await freePort();
  const demoUrl = `http://127.0.0.1:${port}`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();

  // Register, first with a mistake: the form keeps the input and names the field.
  await page.goto(`${provider.url}/portal/clients/new`);
  await page.getByLabel('Name', { exact: true }).fill(NAME);
  await page.locator('input[name="scopes"][value="myinfo.name"]').check();
  await page.locator('#field-redirectUris').fill('not a url');
  await page.getByRole('button', { name: 'Register' }).click();
  await page.locator('.error-summary').waitFor();
  assert.match((await page.locator('.error-summary').textContent()) ?? '', /not a url/);
  assert.equal(await page.locator('#field-redirectUris').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), NAME);
  await shot(page, '11-portal-register-error');

  await page.locator('#field-redirectUris').fill(`${demoUrl}/api/redirect`);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.locator('#download-credentials').waitFor();
  await shot(page, '12-portal-credentials');

  // The credentials file, downloaded as a person would.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-credentials').click()]);
  const creds = JSON.parse(readFileSync((await download.path())!, 'utf8')) as ClientCredentials;
  assert.equal(creds.name, NAME);
  assert.deepEqual(creds.scopes, ['openid', 'myinfo.name']);
  assert.deepEqual(creds.redirectUris, [`${demoUrl}/api/redirect`]);
  assert.ok(creds.secret.length === 32 && creds.privateKey?.includes('PRIVATE KEY'));
  // The provider kept neither the secret nor the private key.
  const stored = await provider.store.getClient(creds.id);
  assert.ok(stored && !JSON.stringify(stored).includes(creds.secret) && !JSON.stringify(stored).includes('PRIVATE KEY'));

  // The client appears in the list.
  await page.goto(`${provider.url}/portal`);
  assert.ok(((await page.locator('main').textContent()) ?? '').includes(creds.id));

  // The demo runs with the downloaded credentials; log in through the QR page and the phone wallet.
  demo = await startDemo({
    providerUrl: provider.url,
    clientId: creds.id,
    clientSecret: creds.secret,
    privateKey: creds.privateKey!,
    port,
    host: '127.0.0.1',
    publicUrl: demoUrl,
    cookieSecret: randomBytes(32).toString('base64url'),
    log: () => undefined,
  });
  await page.goto(demo.url);
  await page.getByRole('radio', { name: 'Durian', exact: true }).check();
  await page.getByRole('button', { name: 'Login with Singpass' }).click();
  await page.waitForURL((u) => u.href.startsWith(`${provider!.url}/v2/oauth/authorize`));
  await page.getByRole('heading', { name: `Log in to ${NAME}` }).waitFor();
  const walletUrl = await page.locator('#open-wallet').getAttribute('href');
  assert.ok(walletUrl);

  const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await phone.goto(walletUrl);
  const persona = phone.locator('label.persona').first();
  const personaName = (await persona.locator('.persona-name').textContent())?.trim();
  assert.ok(personaName);
  await persona.click();
  await phone.getByRole('button', { name: 'Continue' }).click();
  await phone.getByRole('heading', { name: new RegExp(NAME) }).waitFor();
  await phone.getByRole('button', { name: 'Approve' }).click();
  await phone.getByRole('heading', { name: 'Approved' }).waitFor();

  await page.waitForURL(`${demo.url}/logged-in`, { timeout: DEADLINE_MS });
  await page.locator('#view-success').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#user-name').textContent(), personaName);
  assert.equal(await page.locator('#user-flavour').textContent(), 'Durian');
  await shot(page, '13-portal-client-success');
});
