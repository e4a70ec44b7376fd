/** Against our provider over HTTP (packages/provider), auto-approving as the default persona. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SgidClient, generatePkcePair, SgidResponseError } from 'sgid-client';
import { startProvider, type TestProvider } from '../../provider/test/helpers/provider.ts';
import { builtInPersonas } from '../../provider/src/wallet/personas/index.ts';
import { authorize } from './helpers/mockpass.ts';

const REDIRECT = 'http://localhost:3000/callback';
const SCOPES = ['openid', 'myinfo.name', 'myinfo.email', 'myinfo.vehicles', 'myinfo.is_age_above_18'];
let provider: TestProvider;
before(async () => {
  provider = await startProvider({ autoApprove: builtInPersonas(new Date())[0]!.id });
});
after(() => provider.close());

test('login against our provider: PKCS#8 and PKCS#1 keys, typed data, single-use code', async () => {
  const creds = await provider.createClient({ scopes: SCOPES, redirectUris: [REDIRECT] });
  const { createPrivateKey } = await import('node:crypto');
  const pkcs1 = createPrivateKey(creds.privateKey!).export({ type: 'pkcs1', format: 'pem' }) as string;
  for (const privateKey of [creds.privateKey!, pkcs1]) {
    const client = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey, hostname: provider.url, redirectUri: REDIRECT });
    assert.equal(client.issuer, provider.issuer);
    const { codeVerifier, codeChallenge } = generatePkcePair();
    const { url, nonce } = client.authorizationUrl({ codeChallenge, state: 'xyz', scope: SCOPES });
    const { code, state } = await authorize(url);
    assert.equal(state, 'xyz');
    const cb = await client.callback({ code, nonce, codeVerifier, state, expectedState: 'xyz' });
    const { sub, data } = await client.userinfo(cb);
    assert.equal(sub, cb.sub);
    assert.deepEqual(Object.keys(data).sort(), SCOPES.slice(1).sort());
    const parsed = client.parseData(data, { booleans: true });
    assert.ok(Array.isArray(parsed['myinfo.vehicles']));
    assert.equal(typeof parsed['myinfo.is_age_above_18'], 'boolean');
    // A code is single use: the provider's invalid_grant surfaces with its description.
    await assert.rejects(client.callback({ code, nonce, codeVerifier }), (e: unknown) => e instanceof SgidResponseError && e.error === 'invalid_grant');
  }
});
