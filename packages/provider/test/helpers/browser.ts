/**
 * Chromium for the browser tests, in one place: where it is (`SGID_CHROMIUM`, default Debian's
 * /usr/bin/chromium), how it is launched, what a test says when it is missing, and the steps every
 * browser test of a login repeats — read the QR code from the pixels on screen, as a phone camera
 * would, and answer in the wallet on a phone-sized page.
 *
 * Without Chromium a browser test FAILS with {@link chromiumMissing}'s message; `SGID_SKIP_BROWSER=1`
 * skips them on purpose (never silently), except under CI, where they always run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQRModule from 'jsqr';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** The Chromium binary the browser tests drive: `SGID_CHROMIUM`, else Debian's package. */
export const CHROMIUM_PATH = process.env['SGID_CHROMIUM'] || '/usr/bin/chromium';

/**
 * `SGID_SKIP_BROWSER=1`: the reason to pass as a test's `skip` option, else false. Under CI
 * (`CI` set) the browser tests always run — a variable inherited from a developer's shell must
 * not quietly drop them — and fail if Chromium is missing.
 */
export const SKIP_BROWSER: string | false = browserSkip();

function browserSkip(): string | false {
  if (process.env['SGID_SKIP_BROWSER'] !== '1') return false;
  if (process.env['CI']) {
    console.log('# SGID_SKIP_BROWSER=1 is ignored because CI is set: the browser tests run');
    return false;
  }
  return 'SGID_SKIP_BROWSER=1';
}

/** Where browser tests save screenshots of the pages they visit. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));

export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

/** Why the browser tests cannot run here, or undefined when Chromium is installed. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return (
    `Chromium not found at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: apt-get install chromium) or point SGID_CHROMIUM at it. ` +
    'To skip the browser tests on purpose, set SGID_SKIP_BROWSER=1.'
  );
}

/** Launches Chromium headless; fails with {@link chromiumMissing}'s message when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) assert.fail(missing);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot to test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  writeFileSync(join(SCREENSHOTS, `${name}.png`), await page.screenshot({ fullPage: true }));
}

// jsqr is CommonJS with `exports.default`: its types see the module object, Node sees the function.
type DecodeQr = typeof jsQRModule.default;
const jsQR: DecodeQr = (jsQRModule as unknown as { default?: DecodeQr }).default ?? (jsQRModule as unknown as DecodeQr);

/** Reads the QR code of the provider's QR page from the pixels on screen, as a phone camera would. */
export async function decodeQr(page: Page): Promise<string> {
  await page.locator('#qr svg').waitFor({ state: 'visible' });
  const png = PNG.sync.read(await page.locator('#qr').screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  assert.ok(found, 'no QR code could be decoded from the #qr element');
  return found.data;
}

/**
 * The wallet, on a phone: opens the URL from the QR code, chooses a persona (by its place in the
 * list) and continues to the consent screen. Returns the persona's name as the wallet shows it.
 */
export async function pickPersona(
  wallet: Page,
  walletUrl: string,
  index: number,
  options: { clientName?: string; onPersonaList?: (wallet: Page) => Promise<void> } = {},
): Promise<string> {
  await wallet.goto(walletUrl);
  if (options.clientName) await wallet.getByRole('heading', { name: `Log in to ${options.clientName}` }).waitFor();
  await options.onPersonaList?.(wallet);
  const option = wallet.locator('label.persona').nth(index);
  const name = (await option.locator('.persona-name').textContent())?.trim();
  assert.ok(name, 'the persona has a name');
  await option.click();
  assert.equal(await option.locator('input[name="persona"]').isChecked(), true);
  await wallet.getByRole('button', { name: 'Continue' }).click();
  await wallet.waitForURL(/\/consent\?persona=/);
  return name;
}

/**
 * The user's whole part on the phone: QR code → wallet → persona → Approve (or Decline).
 * `qrPage` shows the provider's QR page; the wallet opens in a new phone-sized context of the same
 * browser, which is closed afterwards. Returns the persona's name.
 */
export async function answerOnPhone(
  browser: Browser,
  qrPage: Page,
  options: { persona?: number; decision?: 'approve' | 'decline'; clientName?: string } = {},
): Promise<string> {
  const walletUrl = await decodeQr(qrPage);
  const context = await browser.newContext(PHONE);
  try {
    const wallet = await context.newPage();
    const name = await pickPersona(wallet, walletUrl, options.persona ?? 0, options.clientName ? { clientName: options.clientName } : {});
    const decision = options.decision ?? 'approve';
    await wallet.getByRole('button', { name: decision === 'approve' ? 'Approve' : 'Decline' }).click();
    await wallet.getByRole('heading', { name: decision === 'approve' ? 'Approved' : 'Declined' }).waitFor();
    return name;
  } finally {
    await context.close();
  }
}
