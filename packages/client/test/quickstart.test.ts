/**
 * The official SDK's documented usage (docs.id.gov.sg, TypeScript "Quick start"), unchanged
 * except for the import line, run against our provider; and the same code with the official
 * import, to show the two behave the same.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as ours from 'sgid-client';
import { startProvider, type TestProvider } from '../../provider/test/helpers/provider.ts';
import { builtInPersonas } from '../../provider/src/wallet/personas/index.ts';
import { authorize } from './helpers/mockpass.ts';

const require = createRequire(import.meta.url);
let provider: TestProvider;
before(async () => {
  provider = await startProvider({ autoApprove: builtInPersonas(new Date())[0]!.id });
});
after(() => provider.close());

async function quickStart(sdk: typeof ours, env: Record<string, string>, followRedirect: (url: string) => Promise<string>) {
  // ---- begin Quick start (only the import differs) ----
  // import { SgidClient, generatePkcePair } from '@opengovsg/sgid-client'  →  from 'sgid-client'
  const { SgidClient, generatePkcePair } = sdk;
  const client = new SgidClient({
    clientId: String(env.SGID_CLIENT_ID),
    clientSecret: String(env.SGID_CLIENT_SECRET),
    privateKey: String(env.SGID_PRIVATE_KEY),
    redirectUri: 'http://localhost:3000/callback',
    hostname: env.SGID_HOSTNAME,
  });
  // Step 2: generate a PKCE pair
  const { codeChallenge, codeVerifier } = generatePkcePair();
  // Step 3: generate the authorization URL
  const { url, nonce } = client.authorizationUrl({
    scope: ['openid', 'myinfo.name'],
    codeChallenge,
  });
  // (the user logs in; the browser comes back to the redirect URI with ?code=…)
  const code = await followRedirect(url);
  // Step 4: exchange the code for the sub and access token
  const { sub, accessToken } = await client.callback({ code, nonce, codeVerifier });
  // Step 5: retrieve the user's data
  const { data } = await client.userinfo({ sub, accessToken });
  // ---- end Quick start ----
  return { sub, data };
}

test('the Quick start runs unchanged except for the import, against our provider', async () => {
  const creds = await provider.createClient({ scopes: ['openid', 'myinfo.name'], redirectUris: ['http://localhost:3000/callback'] });
  // Credentials as they usually arrive: from an .env file, newlines escaped.
  const env = { SGID_CLIENT_ID: creds.id, SGID_CLIENT_SECRET: creds.secret, SGID_PRIVATE_KEY: creds.privateKey!.replace(/\n/g, '\\n'), SGID_HOSTNAME: provider.url };
  const follow = async (url: string) => (await authorize(url)).code;
  const withOurs = await quickStart(ours, env, follow);
  const withOfficial = await quickStart(require('@opengovsg/sgid-client'), env, follow);
  assert.equal(withOurs.sub, withOfficial.sub);
  assert.deepEqual(withOurs.data, withOfficial.data);
  assert.equal(typeof withOurs.data['myinfo.name'], 'string');
});
