/**
 * The ice-cream demo end to end, in a real browser (Chromium through playwright-core): the demo
 * (Express + sgid-client) against a real provider (SQLite), the QR page on a desktop-sized page
 * and the wallet on a second, phone-sized page opened from the URL decoded from the QR image.
 *
 * Needs Chromium (see packages/provider/test/helpers/browser.ts: SGID_CHROMIUM, SGID_SKIP_BROWSER).
 * Screenshots of every page go to test-results/screenshots/.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  SKIP_BROWSER,
  answerOnPhone,
  chromiumMissing,
  decodeQr,
  launchChromium,
  pickPersona as pickPersonaAs,
  screenshot as shot,
} from '../../../packages/provider/test/helpers/browser.js';
import { TestClock } from '../../../packages/provider/test/helpers/clock.js';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.js';
import { freePort, startProvider } from '../../../packages/provider/test/helpers/provider.js';
import type { TestProvider } from '../../../packages/provider/test/helpers/provider.js';
import { startDemo } from '../src/index.js';
import type { RunningDemo } from '../src/index.js';

const CLIENT_NAME = 'Ice cream demo';

interface Setup {
  provider: TestProvider;
  demo: RunningDemo;
}

async function setUp(providerOptions: { clock?: TestClock } = {}): Promise<Setup> {
  const provider = await startProvider(providerOptions);
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const creds = await provider.createClient({
    name: CLIENT_NAME,
    description: 'Shows your name next to the ice-cream flavour you picked.',
    scopes: ['openid', 'myinfo.name'],
    redirectUris: [`${publicUrl}/api/redirect`],
  });
  assert.ok(creds.privateKey, 'the provider generated the key pair');
  const demo = await startDemo({
    providerUrl: provider.url,
    clientId: creds.id,
    clientSecret: creds.secret,
    privateKey: creds.privateKey,
    port,
    host: '127.0.0.1',
    publicUrl,
    cookieSecret: randomBytes(32).toString('base64url'),
    log: () => undefined,
  });
  return { provider, demo };
}

/** Demo page → flavour → "Login with Singpass" → the provider's QR page. */
async function startLogin(page: Page, s: Setup, flavour: string, screenshots = false): Promise<void> {
  await page.goto(s.demo.url);
  await page.locator('#view-login').waitFor({ state: 'visible' });
  if (screenshots) await shot(page, '01-demo');
  await page.getByRole('radio', { name: flavour, exact: true }).check();
  await page.getByRole('button', { name: 'Login with Singpass' }).click();
  await page.waitForURL((u) => u.href.startsWith(`${s.provider.url}/v2/oauth/authorize`));
  await page.locator('#qr svg').waitFor({ state: 'visible' });
  await assert.doesNotReject(page.getByRole('heading', { name: `Log in to ${CLIENT_NAME}` }).waitFor());
}

/** The wallet, on a phone: choose a persona (by index), open the consent screen. Returns the persona's name. */
async function pickPersona(wallet: Page, walletUrl: string, index: number, screenshots = false): Promise<string> {
  return pickPersonaAs(wallet, walletUrl, index, {
    clientName: CLIENT_NAME,
    ...(screenshots ? { onPersonaList: (w: Page) => shot(w, '03-wallet-personas') } : {}),
  });
}

describe('ice-cream demo in a browser', { concurrency: false }, () => {
  let browser: Browser | undefined;
  let main: Setup | undefined;
  let short: Setup | undefined;
  // The expiry test's provider: its clock moves only when the test moves it.
  const shortClock = new TestClock();
  const contexts: BrowserContext[] = [];

  const newPage = async (options: object): Promise<Page> => {
    assert.ok(browser);
    const context = await browser.newContext(options);
    // Waits are for what the page shows, however long a busy machine takes to show it.
    context.setDefaultTimeout(DEADLINE_MS);
    contexts.push(context);
    return context.newPage();
  };

  // Without Chromium every test fails with this message (never a silent skip).
  const missing = chromiumMissing();
  const ready = (s: Setup | undefined): Setup => {
    if (missing) assert.fail(missing);
    assert.ok(s && browser, 'set-up failed');
    return s;
  };

  before(async () => {
    if (SKIP_BROWSER || missing) return;
    browser = await launchChromium();
    main = await setUp();
    short = await setUp({ clock: shortClock });
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const s of [main, short]) {
      await s?.demo.close();
      await s?.provider.close();
    }
  });

  test('full login: flavour → QR → wallet on a phone → consent → approve → success view', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready(main);
    const page = await newPage(DESKTOP);
    await startLogin(page, s, 'Durian', true);
    await shot(page, '02-qr-page');
    assert.match((await page.locator('#status').textContent()) ?? '', /Waiting for you to approve/);

    // The QR image holds the wallet URL of this very login (the same as the "open on this device" link).
    const walletUrl = await decodeQr(page);
    const href = await page.locator('#open-wallet').getAttribute('href');
    assert.equal(walletUrl, href);
    assert.match(walletUrl, new RegExp(`^${s.provider.url}/wallet/[A-Za-z0-9_-]+$`));

    const wallet = await newPage(PHONE);
    const name = await pickPersona(wallet, walletUrl, 1, true);
    // The consent screen names the client and lists the field in words.
    await wallet.getByRole('heading', { name: new RegExp(CLIENT_NAME) }).waitFor();
    const consent = (await wallet.locator('main').textContent()) ?? '';
    assert.match(consent, /Full name/);
    assert.ok(consent.includes(name), 'the consent screen shows the value that will be shared');
    assert.equal(await wallet.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling on the phone');
    await shot(wallet, '04-wallet-consent');
    await wallet.getByRole('button', { name: 'Approve' }).click();
    await wallet.getByRole('heading', { name: 'Approved' }).waitFor();
    await shot(wallet, '05-wallet-approved');

    // The first page continues by itself to the demo's logged-in view.
    await page.waitForURL(`${s.demo.url}/logged-in`, { timeout: DEADLINE_MS });
    await page.locator('#view-success').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#user-name').textContent(), name);
    assert.equal(await page.locator('#user-flavour').textContent(), 'Durian');
    await shot(page, '06-success');

    const me = await page.evaluate(async () => {
      const r = await fetch('/api/userinfo');
      return { status: r.status, body: (await r.json()) as { sub: string; data: Record<string, string> } };
    });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.data, { 'myinfo.name': name, iceCream: 'Durian' });
    assert.match(me.body.sub, /\S/);
    assert.equal(await page.locator('#detail-sub').textContent(), me.body.sub);

    // The session survives a reload; the session cookie is HttpOnly and SameSite=Lax.
    await page.reload();
    await page.locator('#view-success').waitFor({ state: 'visible' });
    const cookies = await page.context().cookies(s.demo.url);
    const session = cookies.find((c) => c.name === 'icecream_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    const marker = cookies.find((c) => c.name === 'sgid_login');
    assert.ok(marker?.httpOnly, 'the login cookie now only marks the finished login');
  });

  test('logout: back to the logged-out view, /api/userinfo answers 401', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready(main);
    const page = await newPage(DESKTOP);
    await startLogin(page, s, 'Chocolate');
    const wallet = await newPage(PHONE);
    const name = await pickPersona(wallet, await decodeQr(page), 0);
    await wallet.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(`${s.demo.url}/logged-in`, { timeout: DEADLINE_MS });
    assert.equal(await page.locator('#user-name').textContent(), name);
    assert.equal(await page.locator('#user-flavour').textContent(), 'Chocolate');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#view-login').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#view-success').isHidden(), true);
    assert.equal(new URL(page.url()).pathname, '/');
    const status = await page.evaluate(async () => (await fetch('/api/userinfo')).status);
    assert.equal(status, 401);
    await page.goto(`${s.demo.url}/logged-in`);
    await page.locator('#view-login').waitFor({ state: 'visible' });
    assert.match((await page.locator('#error').textContent()) ?? '', /not logged in/);
  });

  test('Back after a login, approved as someone else: the page says the approval was not used and who is logged in', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready(main);
    const page = await newPage(DESKTOP);
    await startLogin(page, s, 'Teh tarik');
    assert.ok(browser);
    const first = await answerOnPhone(browser, page, { persona: 0, clientName: CLIENT_NAME });
    await page.waitForURL(`${s.demo.url}/logged-in`, { timeout: DEADLINE_MS });
    await page.locator('#view-success').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#user-name').textContent(), first);

    // Back lands on sgID's QR page of the finished login, which starts it again with the same state.
    await page.goBack();
    await page.waitForURL((u) => u.href.startsWith(`${s.provider.url}/v2/oauth/authorize`));
    const second = await answerOnPhone(browser, page, { persona: 3, clientName: CLIENT_NAME });
    assert.notEqual(second, first);
    await page.waitForURL(`${s.demo.url}/logged-in`, { timeout: DEADLINE_MS });
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    const said = (await alert.textContent()) ?? '';
    assert.match(said, /went back to a login that had already finished .* That second approval was not used/);
    assert.ok(said.includes(`You are still logged in as ${first}.`), said);
    assert.equal(await page.locator('#user-name').textContent(), first);
    await shot(page, '08b-back-after-login');
    // A reload shows the session without the old message.
    await page.reload();
    await page.locator('#view-success').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#error').isHidden(), true);
  });

  test('decline: the demo shows that the user declined', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready(main);
    const page = await newPage(DESKTOP);
    await startLogin(page, s, 'Strawberry');
    const wallet = await newPage(PHONE);
    await pickPersona(wallet, await decodeQr(page), 0);
    await wallet.getByRole('button', { name: 'Decline' }).click();
    await wallet.getByRole('heading', { name: 'Declined' }).waitFor();
    await shot(wallet, '07-wallet-declined');

    await page.waitForURL((u) => u.origin === s.demo.url, { timeout: DEADLINE_MS });
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible' });
    assert.match((await alert.textContent()) ?? '', /You declined to share your data/);
    assert.equal(await page.locator('#view-success').isHidden(), true);
    await shot(page, '08-declined');
    const status = await page.evaluate(async () => (await fetch('/api/userinfo')).status);
    assert.equal(status, 401);
  });

  test('expiry: the QR page says the code expired and offers a new one', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready(short);
    const page = await newPage(DESKTOP);
    await startLogin(page, s, 'Vanilla');
    const walletUrl = await decodeQr(page);
    // The login's five minutes pass on the provider's clock (no waiting): its next status
    // answer says "expired".
    shortClock.advance(300_000);

    await page.locator('#expired').waitFor({ state: 'visible', timeout: DEADLINE_MS });
    assert.match((await page.locator('#status').textContent()) ?? '', /This QR code has expired/);
    const again = page.getByRole('link', { name: /get a new QR code/i });
    assert.equal(await again.isVisible(), true);
    assert.equal(await page.locator('#open-wallet').isHidden(), true);
    assert.equal(await again.evaluate((el) => el === document.activeElement), true, 'focus moves to the way out');
    await shot(page, '09-expired');

    // The phone that scanned the old code is told so.
    const wallet = await newPage(PHONE);
    const res = await wallet.goto(walletUrl);
    assert.equal(res?.status(), 410);
    await wallet.getByRole('heading', { name: 'This login has expired' }).waitFor();
    await shot(wallet, '10-wallet-expired');

    // "Get a new QR code" starts a fresh login for the same app.
    await again.click();
    await page.locator('#qr svg').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#expired').isHidden(), true);
    const fresh = await decodeQr(page);
    assert.notEqual(fresh, walletUrl);
    assert.match(fresh, new RegExp(`^${s.provider.url}/wallet/`));
  });

  test('pages are labelled and keyboard-usable', { skip: SKIP_BROWSER, timeout: 4 * DEADLINE_MS }, async () => {
    const s = ready(main);
    const page = await newPage(DESKTOP);
    await page.goto(s.demo.url);
    await page.locator('#view-login').waitFor({ state: 'visible' });
    // Keyboard only: Tab to the flavours, arrow to the next one, Tab to the button, Enter.
    await page.getByRole('radio', { name: 'Vanilla', exact: true }).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByRole('radio', { name: 'Chocolate', exact: true }).isChecked(), true);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'login');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.href.startsWith(`${s.provider.url}/v2/oauth/authorize`));
    assert.equal(await page.getByRole('img', { name: /QR code/ }).count(), 1);
    assert.equal(await page.getByRole('status').count(), 1);

    const wallet = await newPage(PHONE);
    await wallet.goto(await decodeQr(page));
    assert.equal(await wallet.getByRole('group', { name: 'Test persona' }).count(), 1);
    await wallet.locator('input[name="persona"]').first().focus();
    await wallet.keyboard.press('Enter'); // submits the form, as in any browser
    await wallet.waitForURL(/\/consent\?persona=/);
    // Approve has the focus on the consent screen: Enter approves.
    assert.equal(await wallet.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value), 'approve');
    await wallet.keyboard.press('Enter');
    await wallet.getByRole('heading', { name: 'Approved' }).waitFor();
    await page.waitForURL(`${s.demo.url}/logged-in`, { timeout: DEADLINE_MS });
    assert.equal(await page.locator('#user-flavour').textContent(), 'Chocolate');
  });
});
