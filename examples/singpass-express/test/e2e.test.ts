/**
 * The example in a real browser (Chromium through playwright-core): the example (Express +
 * singpass-client) against a real provider, the QR page on a desktop-sized page and the wallet on
 * a phone-sized page opened from the URL decoded from the QR image — for the Login app, the
 * Myinfo app, and a declined login. Screenshots go to test-results/screenshots/.
 *
 * Needs Chromium (see packages/provider/test/helpers/browser.ts: SGID_CHROMIUM, SGID_SKIP_BROWSER).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, SKIP_BROWSER, answerOnPhone, chromiumMissing, launchChromium, screenshot } from '../../../packages/provider/test/helpers/browser.ts';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.ts';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.ts';
import type { RunningExample } from '../src/index.ts';
import { setUpExample, type ExampleSetup } from './setup.ts';

const NAMES = { login: 'Kopi Club (Login app)', myinfo: 'Kopi Club (Myinfo app)' };

describe('singpass-express example in Chromium', () => {
  let setup: ExampleSetup;
  let p: TestProvider;
  let example: RunningExample;
  let browser: Browser;
  // Without Chromium every test fails with this message (never a silent skip).
  const missing = chromiumMissing();

  before(async () => {
    if (SKIP_BROWSER || missing) return;
    setup = await setUpExample({ names: NAMES });
    ({ provider: p, example } = setup);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await setup?.close();
  });

  /** A desktop-sized page in a context of its own, with the suites' generous deadline. */
  async function desktopPage(): Promise<{ page: Page; context: BrowserContext }> {
    if (missing) assert.fail(missing);
    const context = await browser.newContext(DESKTOP);
    context.setDefaultTimeout(DEADLINE_MS);
    return { page: await context.newPage(), context };
  }

  /** Home → the button → the provider's QR page. */
  async function toQrPage(page: Page, button: string, app: 'login' | 'myinfo', shots: string): Promise<void> {
    await page.goto(example.url);
    await screenshot(page, `singpass-${shots}-01-home`);
    await page.getByRole('link', { name: button }).click();
    await page.waitForURL((u) => u.href.startsWith(`${p.url}/fapi/auth`));
    await page.locator('#qr svg').waitFor({ state: 'visible' });
    await page.getByRole('heading', { name: `Log in to ${NAMES[app]}` }).waitFor();
    await screenshot(page, `singpass-${shots}-02-qr`);
  }

  test('Login app: QR page, the wallet on a phone, back with the NRIC and name from the ID token', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const { page, context } = await desktopPage();
    await toQrPage(page, 'Log in with Singpass', 'login', 'login');
    const name = await answerOnPhone(browser, page, { clientName: NAMES.login });
    await page.waitForURL(`${example.url}/`);
    const user = page.locator('#user[data-app="login"]');
    await user.waitFor();
    assert.equal(await page.locator('td[data-label="Name"]').textContent(), name);
    assert.match((await page.locator('td[data-label="NRIC / FIN"]').textContent()) ?? '', /^[STFGM]\d{7}[A-Z]$/);
    await screenshot(page, 'singpass-login-03-logged-in');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in with Singpass' }).waitFor();
    await context.close();
  });

  test('Myinfo app: consent in the wallet, back with the Myinfo data as plain values', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const { page, context } = await desktopPage();
    await toQrPage(page, 'Retrieve Myinfo', 'myinfo', 'myinfo');
    const name = await answerOnPhone(browser, page, { clientName: NAMES.myinfo, persona: 1 });
    await page.waitForURL(`${example.url}/`);
    await page.locator('#user[data-app="myinfo"]').waitFor();
    assert.equal(await page.locator('td[data-label="Name"]').textContent(), name);
    assert.match((await page.locator('td[data-label="Mobile number"]').textContent()) ?? '', /^\+65 \d{8}$/);
    assert.ok(((await page.locator('td[data-label="Registered address"]').textContent()) ?? '').length > 10);
    await screenshot(page, 'singpass-myinfo-03-data');
    await context.close();
  });

  test('a login declined in the wallet comes back to a page that says so', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const { page, context } = await desktopPage();
    await toQrPage(page, 'Log in with Singpass', 'login', 'decline');
    await answerOnPhone(browser, page, { clientName: NAMES.login, decision: 'decline' });
    await page.waitForURL((u) => u.href.startsWith(`${example.url}/?error=`));
    await page.getByRole('alert').filter({ hasText: 'cancelled or refused in Singpass' }).waitFor();
    await screenshot(page, 'singpass-decline-03-home');
    await context.close();
  });
});
