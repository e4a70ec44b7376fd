/**
 * The wallet flow, driven over HTTP as a browser and a phone would: approve, decline, expiry,
 * continuing too early, the poll secret, answering twice, and what the consent page says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { SCOPES, getScope } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import type { LoginRecord } from '../src/login/records.js';
import { createMemoryStore } from '../src/store/memory/index.js';
import type { Store } from '../src/store/types.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { authorizeUrl, pkcePair } from './helpers/oauth.js';
import { TestClock } from './helpers/clock.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { STORE_PLACES, cleanupStorePlaces } from './helpers/store-places.js';
import { answerInWallet, continueToClient, decide, openQrPage, page } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const ALL_SCOPES = SCOPES.map((s) => s.scope);

const withT = (url: string, t: string | null) => {
  const u = new URL(url);
  if (t === null) u.searchParams.delete('t');
  else u.searchParams.set('t', t);
  return u.href;
};

const statusOf = async (url: string) => {
  const res = await fetch(url);
  return { code: res.status, body: (await res.json()) as { status?: string; error?: string } };
};

describe('wallet flow', () => {
  let p: TestProvider;
  let quick: TestProvider;
  let creds: ClientCredentials;
  let quickCreds: ClientCredentials;
  const persona = builtInPersonas(new Date())[0]!;
  // The expiry test moves this provider's clock instead of sleeping.
  const clock = new TestClock();

  before(async () => {
    [p, quick] = await Promise.all([startProvider(), startProvider({ loginTtl: 120, clock })]);
    creds = await p.createClient({
      name: 'Ice Cream Shop',
      description: 'Orders ice cream for verified adults',
      scopes: ALL_SCOPES,
      redirectUris: [REDIRECT],
    });
    quickCreds = await quick.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
  });
  after(async () => {
    await Promise.all([p.close(), quick.close()]);
  });

  const start = async (prov: TestProvider, c: ClientCredentials, params: Record<string, string | null> = {}) =>
    openQrPage(authorizeUrl(prov, c, { code_challenge: (await pkcePair()).challenge, ...params }));

  test('approve: status goes pending → approved, continue redirects with code and state', async () => {
    const qr = await start(p, creds, { state: 'st-approve' });
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'pending');
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'approved');
    const back = await continueToClient(qr);
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get('state'), 'st-approve');
    assert.ok((back.searchParams.get('code') ?? '').length >= 32);
    assert.equal(back.searchParams.get('error'), null);
  });

  test('decline: redirect with error=access_denied and the state, no code', async () => {
    const qr = await start(p, creds, { state: 'st-decline' });
    await answerInWallet(qr.walletUrl, persona.id, 'decline');
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'declined');
    const back = await continueToClient(qr);
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'st-decline');
    assert.ok((back.searchParams.get('error_description') ?? '').length > 0);
    assert.equal(back.searchParams.get('code'), null);
  });

  test('decline without a state: no state on the redirect', async () => {
    const qr = await start(p, creds, { state: null });
    await answerInWallet(qr.walletUrl, undefined, 'decline');
    const back = await continueToClient(qr);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.has('state'), false);
  });

  test('continue before answering shows the waiting page; afterwards it redirects', async () => {
    const qr = await start(p, creds);
    const early = await page(qr.continueUrl);
    assert.equal(early.status, 200);
    assert.match(early.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(early.html, /waiting/i);
    assert.equal(early.location, null);
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'pending');
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    const back = await continueToClient(qr);
    assert.ok(back.searchParams.get('code'));
  });

  test('continue twice: the answer is delivered once', async () => {
    const qr = await start(p, creds);
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    const [one, two] = await Promise.all([page(qr.continueUrl), page(qr.continueUrl)]);
    const redirects = [one, two].filter((r) => r.status === 302);
    assert.equal(redirects.length, 1, `${one.status} ${two.status}`);
    const other = [one, two].find((r) => r.status !== 302)!;
    assert.equal(other.status, 410);
    assert.match(other.html, /expired|completed/i);
  });

  test('status and continue refuse a wrong or missing poll secret; the right one still works', async () => {
    const qr = await start(p, creds);
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    const wrong = 'A'.repeat(32);
    const s1 = await statusOf(withT(qr.statusUrl, wrong));
    assert.equal(s1.code, 404);
    assert.equal(s1.body.status, undefined, 'no status leaked');
    const s2 = await statusOf(withT(qr.statusUrl, null));
    assert.equal(s2.code, 400);
    assert.equal(s2.body.status, undefined);
    const c1 = await page(withT(qr.continueUrl, wrong));
    assert.equal(c1.status, 404);
    assert.equal(c1.location, null, 'a wrong poll secret must not get the code');
    const c2 = await page(withT(qr.continueUrl, null));
    assert.equal(c2.status, 400);
    assert.equal(c2.location, null);
    // someone who only has the wallet URL (the QR) cannot continue
    const loginId = new URL(qr.walletUrl).pathname.split('/').pop()!;
    const c3 = await page(`${p.url}/v2/oauth/authorize/${loginId}/continue?t=${encodeURIComponent(loginId)}`);
    assert.equal(c3.location, null);
    const back = await continueToClient(qr);
    assert.ok(back.searchParams.get('code'));
  });

  test('answering twice → "already approved"; the wallet page says so too', async () => {
    const qr = await start(p, creds);
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    const again = await decide(qr.walletUrl, persona.id, 'decline');
    assert.equal(again.status, 409);
    assert.match(again.html, /already approved/i);
    const picker = await page(qr.walletUrl);
    assert.equal(picker.status, 409);
    assert.match(picker.html, /already approved/i);
    // the first answer stands
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'approved');
    const back = await continueToClient(qr);
    assert.ok(back.searchParams.get('code'));
  });

  test('two answers at once: one wins, the other is told', async () => {
    const qr = await start(p, creds);
    const [a, b] = await Promise.all([decide(qr.walletUrl, persona.id, 'approve'), decide(qr.walletUrl, persona.id, 'decline')]);
    const statuses = [a.status, b.status].sort();
    assert.equal(statuses[0], 200);
    assert.ok(statuses[1] === 409 || statuses[1] === 410, String(statuses));
    const status = (await statusOf(qr.statusUrl)).body.status;
    assert.ok(status === 'approved' || status === 'declined');
  });

  test('bad wallet input: unknown persona, unknown decision, unknown login', async () => {
    const qr = await start(p, creds);
    const consent = await page(`${qr.walletUrl}/consent?persona=S0000000X`);
    assert.equal(consent.status, 400);
    assert.equal((await decide(qr.walletUrl, 'S0000000X', 'approve')).status, 400);
    assert.equal((await decide(qr.walletUrl, persona.id, 'maybe')).status, 400);
    const noLogin = await page(`${p.url}/wallet/does-not-exist`);
    assert.equal(noLogin.status, 410);
    assert.match(noLogin.html, /expired/i);
    const longId = await page(`${p.url}/wallet/${'x'.repeat(200)}`);
    assert.ok(longId.status >= 400 && longId.status < 500, String(longId.status));
    // none of that answered the login
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'pending');
  });

  test('the consent page names the client, its description and each requested field in words', async () => {
    const scopes = ['openid', 'myinfo.name', 'myinfo.nric_number', 'myinfo.date_of_birth', 'myinfo.registered_address', 'myinfo.is_age_above_18'];
    const qr = await start(p, creds, { scope: scopes.join(' ') });
    assert.match(qr.html, /Ice Cream Shop/, 'the QR page names the client');
    const html = await answerInWallet(qr.walletUrl, persona.id, 'decline');
    assert.ok(html.includes('Ice Cream Shop'));
    assert.ok(html.includes('Orders ice cream for verified adults'));
    for (const s of scopes.filter((x) => x !== 'openid')) {
      const label = getScope(s)!.label;
      assert.ok(html.includes(label), `label "${label}" of ${s} missing`);
    }
    // fields not asked for are not shown
    for (const s of ['myinfo.passport_number', 'myinfo.email', 'myinfo.vehicles']) {
      assert.ok(!html.includes(getScope(s)!.label), `unrequested ${s} shown`);
    }
    assert.ok(html.includes(persona.values['myinfo.name']!), 'the person sees who they are logging in as');
  });

  test('the consent page for openid alone says no personal data is shared', async () => {
    const qr = await start(p, creds, { scope: 'openid' });
    const html = await answerInWallet(qr.walletUrl, persona.id, 'decline');
    assert.match(html, /not receive any of your personal data/);
  });

  test('client names and descriptions are escaped on every page', async () => {
    const evil = await p.createClient({
      name: '<img src=x onerror=alert(1)>',
      description: '"><script>alert(2)</script>',
      scopes: 'openid myinfo.name',
      redirectUris: [REDIRECT],
    });
    const qr = await start(p, evil, { scope: 'openid myinfo.name' });
    const picker = await page(qr.walletUrl);
    const consent = await answerInWallet(qr.walletUrl, persona.id, 'approve');
    for (const html of [qr.html, picker.html, consent]) {
      assert.ok(!html.includes('<img src=x'), 'name unescaped');
      assert.ok(!html.includes('<script>alert(2)'), 'description unescaped');
    }
    assert.ok(consent.includes('&lt;img src=x onerror=alert(1)&gt;'));
  });

  test('a login lives --login-ttl seconds: then status says expired, continue shows a 410 page, the wallet says expired', async () => {
    const startedAt = clock.now();
    const [qr, answered] = await Promise.all([start(quick, quickCreds), start(quick, quickCreds)]);
    // the second one is opened in the wallet (persona chosen) but answered too late
    const loginPage = await page(answered.walletUrl);
    assert.equal(loginPage.status, 200);
    clock.set(startedAt + 120_000 - 1);
    assert.equal((await statusOf(qr.statusUrl)).body.status, 'pending', 'still waiting at its last millisecond');
    assert.equal((await page(answered.walletUrl)).status, 200);
    clock.set(startedAt + 120_000);

    assert.equal((await statusOf(qr.statusUrl)).body.status, 'expired');
    const cont = await page(qr.continueUrl);
    assert.equal(cont.status, 410);
    assert.equal(cont.location, null);
    assert.match(cont.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(cont.html, /expired/i);
    assert.match(cont.html, /start again/i, 'the page tells the person what to do');
    const wallet = await page(qr.walletUrl);
    assert.equal(wallet.status, 410);
    assert.match(wallet.html, /expired/i);
    const consent = await page(`${qr.walletUrl}/consent?persona=${persona.id}`);
    assert.equal(consent.status, 410);

    const late = await decide(answered.walletUrl, persona.id, 'approve');
    assert.equal(late.status, 410);
    assert.match(late.html, /expired/i);
    assert.equal((await statusOf(answered.statusUrl)).body.status, 'expired');
    assert.equal((await page(answered.continueUrl)).status, 410);
  });

  test('state with reserved and non-ASCII characters comes back byte for byte (approve and error)', async () => {
    const state = 'a&b=c#d e+f/g?h%20i é 💡 "q" <x>';
    const qr = await start(p, creds, { state });
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    const back = await continueToClient(qr);
    assert.equal(back.searchParams.get('state'), state);
    const err = await fetch(authorizeUrl(p, creds, { state, response_type: 'token' }), { redirect: 'manual' });
    assert.equal(err.status, 302);
    assert.equal(new URL(err.headers.get('location')!).searchParams.get('state'), state);
  });

  test('a redirect URI registered with a query keeps it when the code is added', async () => {
    const c = await p.createClient({ scopes: 'openid', redirectUris: ['http://localhost:5001/cb?tenant=a&x=1'] });
    const qr = await start(p, c, { state: 'q' });
    await answerInWallet(qr.walletUrl, persona.id, 'approve');
    const back = await continueToClient(qr);
    assert.equal(back.searchParams.get('tenant'), 'a');
    assert.equal(back.searchParams.get('x'), '1');
    assert.equal(back.searchParams.get('state'), 'q');
    assert.ok(back.searchParams.get('code'));
  });

  test('the QR page links to the restart URL with the same request', async () => {
    const qr = await start(p, creds, { state: 'restart-me' });
    const m = /href="(\/v2\/oauth\/authorize\?[^"]+)"/.exec(qr.html);
    assert.ok(m, 'restart link');
    const restart = new URL(m[1]!.replace(/&amp;/g, '&'), p.url);
    assert.equal(restart.searchParams.get('state'), 'restart-me');
    assert.equal(restart.searchParams.get('client_id'), creds.id);
  });
});

/** The stores the race below runs on: in memory, and the real ones over HTTP like the rest. */
const POLL_PLACES: { name: string; open(t: TestContext): Promise<Store | undefined> }[] = [
  { name: 'memory', open: async () => createMemoryStore() },
  ...STORE_PLACES.map((place) => ({ name: place.name, open: async (t: TestContext) => (await place.open(t))?.store })),
];
after(cleanupStorePlaces);

for (const place of POLL_PLACES) {
  describe(`the browser polling while the wallet records its answer: ${place.name}`, () => {
    // The wallet's answer is written with a slow store call (held here until the test lets it
    // go): meanwhile the browser polls and may continue. It must see "pending" — never
    // "expired", which would make the QR page give up on a login that is being approved.
    test('status stays pending and continue shows the waiting page until the answer is stored', async (t) => {
      const inner = await place.open(t);
      if (!inner) return;
      let gate: { reached: () => void; release: Promise<void> } | undefined;
      const store: Store = new Proxy(inner, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (prop !== 'put') return typeof v === 'function' ? v.bind(target) : v;
          return async (kind: 'login', key: string, value: unknown, ttl: number) => {
            const g = gate;
            if (kind === 'login' && g && (value as LoginRecord).status === 'approved') {
              g.reached();
              await g.release;
            }
            return inner.put(kind, key, value, ttl);
          };
        },
      });
      const p = await startProvider({ store });
      t.after(async () => {
        await p.close();
        await inner.close();
      });
      const creds = await p.createClient({ scopes: 'openid myinfo.name', redirectUris: [REDIRECT] });
      const qr = await openQrPage(authorizeUrl(p, creds, { scope: 'openid myinfo.name', code_challenge: (await pkcePair()).challenge }));
      const persona = builtInPersonas(new Date())[0]!;
      let release: () => void = () => undefined;
      const reached = new Promise<void>((r) => {
        gate = { reached: r, release: new Promise<void>((rel) => (release = rel)) };
      });
      const decision = decide(qr.walletUrl, persona.id, 'approve');
      await reached;
      try {
        const during = await statusOf(qr.statusUrl);
        assert.equal(during.body.status, 'pending', 'the browser was told the login expired while it was being approved');
        const early = await page(qr.continueUrl);
        assert.equal(early.status, 200, 'continue refused while the answer was being stored');
        assert.match(early.html, /waiting/i);
        const second = await decide(qr.walletUrl, persona.id, 'decline');
        assert.equal(second.status, 409, 'a second answer meanwhile is "already answered"');
      } finally {
        gate = undefined;
        release();
      }
      assert.equal((await decision).status, 200);
      assert.equal((await statusOf(qr.statusUrl)).body.status, 'approved');
      const back = await continueToClient(qr);
      assert.ok(back.searchParams.get('code'));
    });
  });
}
