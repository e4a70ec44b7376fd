/**
 * The official @opengovsg/sgid-client 2.x (from npm, unchanged) completes full logins against
 * the provider: every scope of the catalog decrypts to the persona's value.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SgidClient, generatePkcePair } from '@opengovsg/sgid-client';
import { SCOPES } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { TestClock } from './helpers/clock.js';
import { DEFAULT_PERSONA_ON_2025_03_10, expectedRelease } from './helpers/expected-values.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { loginThroughWallet } from './helpers/wallet-flow.js';

const ALL_SCOPES = SCOPES.map((s) => s.scope);
const REDIRECT = 'http://localhost:5001/api/redirect';

describe('official sgid-client against the provider', () => {
  let p: TestProvider;
  let sgid: SgidClient;
  // The provider's clock stands still at the start of the file, so "today" (the birthday
  // personas, the age gates) is one day for the provider and for the expected values alike.
  const clock = new TestClock();
  const at = new Date(clock.now());
  before(async () => {
    p = await startProvider({ clock });
    const creds = await p.createClient({ scopes: ALL_SCOPES, redirectUris: [REDIRECT] });
    sgid = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey!, redirectUri: REDIRECT, hostname: p.url });
  });
  after(() => p.close());

  for (const persona of builtInPersonas(at)) {
    test(`every scope decrypts to the value of ${persona.id} (${persona.label})`, async () => {
      const { codeChallenge, codeVerifier } = generatePkcePair();
      const { url, nonce } = sgid.authorizationUrl({ codeChallenge, scope: ALL_SCOPES, state: 'st-1' });
      const back = await loginThroughWallet(url, persona.id);
      assert.equal(back.origin + back.pathname, REDIRECT);
      assert.equal(back.searchParams.get('state'), 'st-1');
      const { sub, accessToken } = await sgid.callback({ code: back.searchParams.get('code')!, codeVerifier, nonce: nonce ?? null });
      const { data } = await sgid.userinfo({ sub, accessToken });
      assert.deepEqual(data, expectedRelease(persona, ALL_SCOPES, at));
      assert.equal(Object.keys(data).length, ALL_SCOPES.length - 1);
    });
  }

  test('the expected values themselves: the default persona on 10 March 2025, written out by hand', () => {
    // expectedRelease, which the logins above are checked against, agrees with the literal record.
    const persona = builtInPersonas(new Date('2025-03-10T04:00:00Z'))[0]!;
    assert.deepEqual(expectedRelease(persona, ALL_SCOPES, new Date('2025-03-10T04:00:00Z')), DEFAULT_PERSONA_ON_2025_03_10);
  });

  test('openid alone: data is empty, sub is still given', async () => {
    const { codeChallenge, codeVerifier } = generatePkcePair();
    const { url, nonce } = sgid.authorizationUrl({ codeChallenge, scope: 'openid' });
    const back = await loginThroughWallet(url);
    const { sub, accessToken } = await sgid.callback({ code: back.searchParams.get('code')!, codeVerifier, nonce: nonce ?? null });
    assert.deepEqual(await sgid.userinfo({ sub, accessToken }), { sub, data: {} });
  });

  test('nonce omitted (null) works; a wrong nonce is refused by the SDK', async () => {
    const { codeChallenge, codeVerifier } = generatePkcePair();
    const { url } = sgid.authorizationUrl({ codeChallenge, nonce: null });
    const back = await loginThroughWallet(url);
    const { sub } = await sgid.callback({ code: back.searchParams.get('code')!, codeVerifier });
    assert.ok(sub.length > 0);

    const pair = generatePkcePair();
    const second = sgid.authorizationUrl({ codeChallenge: pair.codeChallenge });
    const back2 = await loginThroughWallet(second.url);
    await assert.rejects(sgid.callback({ code: back2.searchParams.get('code')!, codeVerifier: pair.codeVerifier, nonce: 'not-the-nonce' }), /nonce/);
  });
});
