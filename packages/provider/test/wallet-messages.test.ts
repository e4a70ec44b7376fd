/**
 * What the wallet says when a login can no longer be answered, over HTTP as a phone and a
 * browser use it: each page says what actually happened — replaced by a newer QR code (the QR
 * page was reloaded), already approved or declined (another tab, or the login is complete) —
 * and "expired" only when it expired. The QR page's status says the same to the browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClientCredentials } from 'sgid-protocol';
import type { LoginRecord } from '../src/login/records.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { authorizeUrl, pkcePair } from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { answerInWallet, continueToClient, decide, openQrPage, page } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const persona = builtInPersonas(new Date())[0]!;

const decideAs = (walletUrl: string, decision: 'approve' | 'decline') => decide(walletUrl, persona.id, decision);

const statusOf = async (url: string) => ((await (await fetch(url)).json()) as { status: string }).status;

/** The <h1> of a page, as a person reads it. */
const heading = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1]?.trim();

/** Never a claim that the browser goes on, never "expired", for a login that did not expire. */
function assertNotClaimed(html: string, what: string) {
  assert.doesNotMatch(html, /continues by itself/i, `${what}: claims the browser continues`);
  assert.doesNotMatch(html, /expired/i, `${what}: says expired`);
}

describe('what the wallet says', () => {
  let p: TestProvider;
  let creds: ClientCredentials;
  before(async () => {
    p = await startProvider();
    creds = await p.createClient({ name: 'Gelato Bar', scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
  });
  after(() => p.close());

  const authorize = async (state = 'st') => authorizeUrl(p, creds, { scope: 'openid myinfo.name', state, code_challenge: (await pkcePair()).challenge });
  const loginId = (walletUrl: string) => new URL(walletUrl).pathname.split('/').pop()!;

  test('the QR page reloaded: the old code says it was replaced, approving it changes nothing, the new one works', async () => {
    const url = await authorize();
    const first = await openQrPage(url);
    // The phone opens the first QR code and gets as far as the consent screen.
    const consent = await page(`${first.walletUrl}/consent?persona=${persona.id}`);
    assert.equal(consent.status, 200);
    // The browser reloads the QR page: the same authorize request, a new QR code.
    const second = await openQrPage(url);
    assert.notEqual(second.walletUrl, first.walletUrl);

    const approved = await decideAs(first.walletUrl, 'approve');
    assert.equal(approved.status, 409);
    assert.equal(heading(approved.html), 'This QR code was replaced');
    assert.match(approved.html, /reloaded or opened again, and now shows a new QR code/);
    assertNotClaimed(approved.html, 'approve on the old code');
    const picker = await page(first.walletUrl);
    assert.equal(picker.status, 409);
    assert.equal(heading(picker.html), 'This QR code was replaced');
    assert.equal(await statusOf(first.statusUrl), 'superseded');
    const oldContinue = await page(first.continueUrl);
    assert.equal(oldContinue.status, 410);
    assert.equal(oldContinue.location, null);
    assert.match(oldContinue.html, /replaced by a newer one/);

    // Nothing was approved by it: the new QR code still waits, and then works.
    assert.equal(await statusOf(second.statusUrl), 'pending');
    await answerInWallet(second.walletUrl, persona.id, 'approve');
    const back = await continueToClient(second);
    assert.equal(back.searchParams.get('state'), 'st');
    assert.ok(back.searchParams.get('code'));
  });

  test('another login of the same app (another PKCE challenge) replaces nothing', async () => {
    const a = await openQrPage(await authorize('same-state'));
    const b = await openQrPage(await authorize('same-state'));
    assert.equal(await statusOf(a.statusUrl), 'pending');
    assert.equal((await page(a.walletUrl)).status, 200);
    await answerInWallet(a.walletUrl, persona.id, 'approve');
    await answerInWallet(b.walletUrl, persona.id, 'decline');
    assert.ok((await continueToClient(a)).searchParams.get('code'));
    assert.equal((await continueToClient(b)).searchParams.get('error'), 'access_denied');
  });

  test('an answer that came first stands when the QR page is reloaded after it', async () => {
    const url = await authorize();
    const first = await openQrPage(url);
    await answerInWallet(first.walletUrl, persona.id, 'approve');
    await openQrPage(url);
    assert.equal(await statusOf(first.statusUrl), 'approved');
    assert.ok((await continueToClient(first)).searchParams.get('code'));
  });

  test('a second wallet tab after the first approved says "already approved", before and after the browser continued', async () => {
    const qr = await openQrPage(await authorize());
    // Two tabs on the phone, both at the consent screen; the first approves.
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    for (const second of [await page(qr.walletUrl), await page(`${qr.walletUrl}/consent?persona=${persona.id}`), await decideAs(qr.walletUrl, 'approve')]) {
      assert.equal(second.status, 409);
      assert.equal(heading(second.html), 'Already approved');
      assert.match(second.html, /Your browser is continuing to Gelato Bar/);
      assertNotClaimed(second.html, 'second tab');
    }
    // The browser continues; the login is complete, and stays "approved" on the phone, not "expired".
    assert.ok((await continueToClient(qr)).searchParams.get('code'));
    for (const later of [await page(qr.walletUrl), await decideAs(qr.walletUrl, 'decline')]) {
      assert.equal(later.status, 409);
      assert.equal(heading(later.html), 'Already approved');
      assert.match(later.html, /complete: it was approved and your browser has gone back to Gelato Bar/);
      assertNotClaimed(later.html, 'finished login');
    }
    assert.equal(await statusOf(qr.statusUrl), 'finished');
    // The record left behind keeps no grant (no ciphertext, no sub).
    const left = await p.store.get<LoginRecord>('login', loginId(qr.walletUrl));
    assert.equal(left?.status, 'finished');
    assert.equal(left?.grant, undefined);
  });

  test('a declined login says "already declined", also once the browser has gone back', async () => {
    const qr = await openQrPage(await authorize());
    await answerInWallet(qr.walletUrl, persona.id, 'decline');
    const before = await page(qr.walletUrl);
    assert.equal(heading(before.html), 'Already declined');
    assert.equal((await continueToClient(qr)).searchParams.get('error'), 'access_denied');
    const after = await decideAs(qr.walletUrl, 'approve');
    assert.equal(after.status, 409);
    assert.equal(heading(after.html), 'Already declined');
    assertNotClaimed(after.html, 'declined login');
    // And the browser's continue, once more: completed, not a second redirect.
    const again = await page(qr.continueUrl);
    assert.equal(again.status, 410);
    assert.equal(again.location, null);
    assert.match(again.html, /already completed/);
  });

  test('an unknown or long-gone login still says expired', async () => {
    const gone = await page(`${p.url}/wallet/AAAAAAAAAAAAAAAAAAAAAA`);
    assert.equal(gone.status, 410);
    assert.equal(heading(gone.html), 'This login has expired');
  });
});
