/**
 * What a person sees, in Chromium: the portal's layout on a 1,280 px screen and on a phone (ids
 * and URLs never broken mid-word, a 100-character name that does not squeeze the list, the
 * rotate and delete buttons in sight rather than below the scope catalog), a reload of a result
 * page that neither repeats the action nor shows the secret again, the wallet that says a QR code
 * was replaced when the QR page was reloaded, and page loads that leave no failed request (the
 * favicon). Screenshots of every page go to test-results/screenshots/portal-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ClientCredentials } from 'sgid-protocol';
import { DESKTOP, PHONE, SKIP_BROWSER, launchChromium, screenshot } from './helpers/browser.js';
import { authorizeUrl, pkcePair } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';

const LONG_NAME = 'The Extremely Long-Named Community Ice Cream Cooperative of the Eastern Seaboard and Outlying Islands'.slice(0, 100);
const LONG_URL = 'https://a-rather-long-subdomain-name.example-company-with-a-long-name.com.sg/api/authentication/sgid/callback?tenant=abcdefghijklmnop';
const REDIRECT = 'http://localhost:5001/api/redirect';

/** Fails on any response of 400 or more that a page load brings (the favicon among them). */
function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400) failures.push(`${res.status()} ${new URL(res.url()).pathname}`);
  });
  return failures;
}

/**
 * Whether the text of `selector`'s elements is broken only where it may be: each word of a name
 * (between spaces), and each unbreakable piece of an id or URL (`.nobreak`), lies on one line.
 */
async function brokenWords(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((elements) => {
    const broken: string[] = [];
    for (const el of elements) {
      const pieces = el.querySelectorAll('.nobreak');
      const targets: { node: Node; start: number; end: number; text: string }[] = [];
      if (pieces.length > 0) {
        for (const piece of Array.from(pieces)) {
          const node = piece.firstChild!;
          targets.push({ node, start: 0, end: node.textContent!.length, text: node.textContent! });
        }
      } else {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent!;
          for (const m of text.matchAll(/\S+/g)) targets.push({ node, start: m.index!, end: m.index! + m[0].length, text: m[0] });
        }
      }
      for (const t of targets) {
        const range = document.createRange();
        range.setStart(t.node, t.start);
        range.setEnd(t.node, t.end);
        // One line: every box of the word shares the first one's top.
        const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(t.text);
      }
    }
    return broken;
  });
}

describe('the portal and the wallet in Chromium', { skip: SKIP_BROWSER }, () => {
  let browser: Browser;
  let p: TestProvider;
  let long: ClientCredentials;
  before(async () => {
    browser = await launchChromium();
    p = await startProvider();
    await p.createClient({ name: 'Short', scopes: 'openid myinfo.name', redirectUris: ['http://localhost:3000/cb'] });
    long = await p.createClient({
      name: LONG_NAME,
      description: 'A cooperative with a long name, many scopes and a long redirect URL.',
      scopes: ['openid', 'myinfo.name', 'myinfo.email', 'myinfo.mobile_number_with_country_code', 'myinfo.registered_address', 'myinfo.sponsored_children_records'],
      redirectUris: [LONG_URL, REDIRECT],
    });
  });
  after(async () => {
    await browser?.close();
    await p?.close();
  });

  const open = async (options: typeof DESKTOP | typeof PHONE): Promise<{ context: BrowserContext; page: Page; failures: string[] }> => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    return { context, page, failures: watchFailures(page) };
  };

  test('1,280 px: a wide column, nothing broken mid-word, a long name that does not squeeze the list', async () => {
    const { context, page, failures } = await open(DESKTOP);
    try {
      await page.goto(`${p.url}/portal`);
      await page.locator('table.clients').waitFor();
      await screenshot(page, 'portal-list-1280');
      const main = await page.locator('main').boundingBox();
      assert.ok(main && main.width >= 1100, `the content column is ${main?.width} px wide`);
      assert.deepEqual(await brokenWords(page, 'table.clients code.client-id'), [], 'client ids');
      assert.deepEqual(await brokenWords(page, 'table.clients .urls code'), [], 'redirect URLs');
      assert.deepEqual(await brokenWords(page, 'table.clients .client-name'), [], 'names (between words only)');
      assert.deepEqual(await brokenWords(page, 'table.clients ul.chips code'), [], 'scopes');
      assert.deepEqual(await brokenWords(page, '.notice.dev-mode code'), [], 'the dev-mode banner');
      // The long name's cell is as wide as the short one's: the name wraps between its words.
      const cells = await page.locator('table.clients tbody th').evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().width));
      assert.ok(Math.min(...cells) >= 250, `name cells: ${cells.join(', ')} px`);
      const urlCell = await page.locator('table.clients tbody tr', { hasText: LONG_NAME }).locator('td').nth(1).boundingBox();
      assert.ok(urlCell && urlCell.width >= 300, `the redirect URL column is ${urlCell?.width} px`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');

      await page.goto(`${p.url}/portal/clients/${long.id}`);
      await screenshot(page, 'portal-client-1280');
      assert.deepEqual(await brokenWords(page, '#client-id'), []);
      // Rotate and delete are in sight at once, beside the settings, not below the scope catalog.
      const firstScope = await page.locator('.scope-list .scope').first().boundingBox();
      for (const name of ['Rotate secret…', 'Rotate key pair…', 'Delete client…']) {
        const box = await page.getByRole('link', { name }).boundingBox();
        assert.ok(box && box.y + box.height <= DESKTOP.viewport.height, `${name} is at ${box?.y} px, below the first screen`);
        assert.ok(firstScope && box.x > firstScope.x + firstScope.width, `${name} sits beside the settings`);
      }
      assert.deepEqual(await brokenWords(page, '.scope-list code'), [], 'scope names');
      // The scope catalog takes two columns or more.
      const lefts = new Set(await page.locator('.scope-list .scope').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left))));
      assert.ok(lefts.size >= 2, `scope columns: ${lefts.size}`);

      await page.goto(`${p.url}/portal/clients/new`);
      await screenshot(page, 'portal-register-1280');
      assert.deepEqual(failures, [], 'failed requests (the favicon among them)');
    } finally {
      await context.close();
    }
  });

  test('a phone: credentials and deletion before the scope catalog, no sideways scrolling', async () => {
    const { context, page, failures } = await open(PHONE);
    try {
      await page.goto(`${p.url}/portal/clients/${long.id}`);
      await screenshot(page, 'portal-client-phone');
      const rotate = await page.getByRole('link', { name: 'Rotate secret…' }).boundingBox();
      const remove = await page.getByRole('link', { name: 'Delete client…' }).boundingBox();
      const firstScope = await page.locator('.scope-list .scope').first().boundingBox();
      assert.ok(rotate && remove && firstScope && rotate.y < firstScope.y && remove.y < firstScope.y, 'rotate and delete come before the scopes');
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');
      await page.goto(`${p.url}/portal`);
      await screenshot(page, 'portal-list-phone');
      assert.deepEqual(await brokenWords(page, 'table.clients code.client-id'), []);
      assert.deepEqual(failures, []);
    } finally {
      await context.close();
    }
  });

  test('register, then reload the credentials page: shown once, one client, the download works', async () => {
    const { context, page, failures } = await open({ ...DESKTOP, acceptDownloads: true } as typeof DESKTOP);
    try {
      await page.goto(`${p.url}/portal/clients/new`);
      await page.getByLabel('Name', { exact: true }).fill('Reload me');
      await page.locator('#field-redirectUris').fill(REDIRECT);
      await page.getByRole('button', { name: 'Register' }).click();
      await page.locator('#download-credentials').waitFor();
      assert.match(page.url(), /\/portal\/clients\/[^/]+\/results\/[A-Za-z0-9_-]{22}$/, 'the browser is on the GET that followed the POST');
      const secret = (await page.locator('#client-secret').textContent())!.trim();
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-credentials').click()]);
      assert.ok(await download.path());
      await screenshot(page, 'portal-credentials');

      await page.reload();
      await page.getByRole('heading', { name: 'These credentials were already shown' }).waitFor();
      await screenshot(page, 'portal-credentials-reloaded');
      assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
      assert.equal((await p.store.listClients()).filter((c) => c.name === 'Reload me').length, 1, 'the reload registered nothing');
      // The only failed response is the reload's own 410.
      assert.deepEqual(failures.filter((f) => !/^410 \/portal\/clients\/[^/]+\/results\//.test(f)), []);
    } finally {
      await context.close();
    }
  });

  test('the QR page reloaded while the phone is at the consent screen: the phone says the code was replaced', async () => {
    const { context, page, failures } = await open(DESKTOP);
    const phone = await browser.newContext(PHONE);
    try {
      const url = authorizeUrl(p, long, { scope: 'openid myinfo.name', state: 'reload', code_challenge: (await pkcePair()).challenge, redirect_uri: REDIRECT });
      await page.goto(url);
      const firstWallet = (await page.locator('#open-wallet').getAttribute('href'))!;
      const wallet = await phone.newPage();
      await wallet.goto(firstWallet);
      await wallet.locator('label.persona').first().click();
      await wallet.getByRole('button', { name: 'Continue' }).click();
      await wallet.getByRole('button', { name: 'Approve' }).waitFor();

      await page.reload();
      const secondWallet = (await page.locator('#open-wallet').getAttribute('href'))!;
      assert.notEqual(secondWallet, firstWallet);
      await wallet.getByRole('button', { name: 'Approve' }).click();
      await wallet.getByRole('heading', { name: 'This QR code was replaced' }).waitFor();
      await screenshot(wallet, 'wallet-replaced');
      assert.doesNotMatch((await wallet.locator('main').textContent()) ?? '', /continues by itself/);
      // The browser still waits on its new QR code.
      await page.waitForFunction(() => /Waiting for you to approve/.test(document.getElementById('status')?.textContent ?? ''));
      assert.ok(page.url().startsWith(`${p.url}/v2/oauth/authorize?`));
      assert.deepEqual(failures, []);
    } finally {
      await phone.close();
      await context.close();
    }
  });

  test('the same sign-in opened in a second tab: the first tab says its QR code was replaced', async () => {
    const { context, page: first, failures } = await open(DESKTOP);
    try {
      const url = authorizeUrl(p, long, { scope: 'openid myinfo.name', state: 'tabs', code_challenge: (await pkcePair()).challenge, redirect_uri: REDIRECT });
      await first.goto(url);
      await first.waitForFunction(() => /Waiting for you to approve/.test(document.getElementById('status')?.textContent ?? ''));
      const second = await context.newPage();
      await second.goto(url);
      await first.getByRole('heading', { name: 'This QR code was replaced' }).waitFor();
      await screenshot(first, 'qr-replaced');
      assert.match((await first.locator('#status').textContent()) ?? '', /replaced by a newer one/);
      assert.equal(await first.locator('#open-wallet').isVisible(), false, 'no way left to open the replaced code');
      assert.match((await second.locator('#status').textContent()) ?? '', /Waiting for you to approve/);
      assert.deepEqual(failures, []);
    } finally {
      await context.close();
    }
  });
});
