/** Against MockPass 4.3.4: RSA-OAEP (SHA-1) + A128CBC-HS256 block key, dir + A256GCM values, "NA" answers. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SgidClient, generatePkcePair } from 'sgid-client';
import { startMockPass, authorize, type MockPass } from './helpers/mockpass.ts';

let mp: MockPass;
before(async () => {
  mp = await startMockPass();
});
after(() => mp.close());

test('login against MockPass: callback + userinfo + typed parse', async () => {
  const client = new SgidClient({ clientId: 'mockpass-client', clientSecret: 'secret', privateKey: mp.privateKey, hostname: mp.url, redirectUri: 'http://localhost:3000/callback' });
  for (let round = 0; round < 2; round++) {
    const { codeVerifier, codeChallenge } = generatePkcePair();
    const { url, nonce } = client.authorizationUrl({ codeChallenge, state: 'abc', scope: ['openid', 'myinfo.name', 'myinfo.email', 'myinfo.is_age_above_18'] });
    const { code, state } = await authorize(url);
    const { sub, accessToken } = await client.callback({ code, nonce, codeVerifier, state, expectedState: 'abc' });
    assert.match(sub, /^u=/);
    const { data } = await client.userinfo({ sub, accessToken });
    assert.equal(data['myinfo.name'], 'LIM YONG XIANG');
    assert.equal(data['myinfo.nric_number'], 'S9812379B'); // MockPass always adds it
    assert.equal(data['myinfo.is_age_above_18'], 'NA'); // MockPass quirk
    assert.equal(client.parseData(data, { booleans: true })['myinfo.is_age_above_18'], false);
  }
});
