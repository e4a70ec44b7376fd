/**
 * A generic, certified OIDC relying party (openid-client 6) completes discovery, the code
 * flow with PKCE and nonce/state, ID token validation and userinfo against the provider —
 * with nothing sgID-specific but decrypting the data.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { PATHS, SCOPES, decryptUserinfo } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { TestClock } from './helpers/clock.js';
import { expectedRelease } from './helpers/expected-values.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { loginThroughWallet } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:5001/api/redirect';
const ALL_SCOPES = SCOPES.map((s) => s.scope);

/** openid-client wraps the reason in `cause`; match against the whole chain. */
const failsWith = (re: RegExp) => (err: unknown) => {
  let text = '';
  for (let e = err as { message?: string; cause?: unknown; code?: string } | undefined; e; e = e.cause as typeof e) {
    text += ` ${e.message ?? ''} ${e.code ?? ''}`;
  }
  return re.test(text) || assert.fail(`expected ${re}, got:${text}`);
};

describe('openid-client 6 against the provider', () => {
  let p: TestProvider;
  let creds: ClientCredentials;
  let config: client.Configuration;

  // A clock that stands still: one "today" for the provider and the expected values.
  const clock = new TestClock();
  const at = new Date(clock.now());
  before(async () => {
    p = await startProvider({ clock });
    creds = await p.createClient({ scopes: ALL_SCOPES, redirectUris: [REDIRECT] });
    config = await client.discovery(new URL(p.issuer), creds.id, creds.secret, client.ClientSecretPost(creds.secret), {
      execute: [client.allowInsecureRequests],
    });
  });
  after(() => p.close());

  test('discovery metadata matches the spec', () => {
    const m = config.serverMetadata();
    assert.equal(m.issuer, p.issuer);
    assert.equal(m.authorization_endpoint, `${p.url}${PATHS.authorize}`);
    assert.equal(m.token_endpoint, `${p.url}${PATHS.token}`);
    assert.equal(m.userinfo_endpoint, `${p.url}${PATHS.userinfo}`);
    assert.equal(m.jwks_uri, `${p.url}${PATHS.jwks}`);
    assert.deepEqual(m.response_types_supported, ['code']);
    assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(m.subject_types_supported, ['pairwise']);
    assert.deepEqual(m.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(m.token_endpoint_auth_methods_supported, ['client_secret_post']);
    assert.ok(m.scopes_supported?.includes('openid'));
    assert.ok(m.scopes_supported?.includes('myinfo.name'));
  });

  for (const persona of builtInPersonas(at).slice(0, 3)) {
    test(`code flow + PKCE + nonce + state, ID token validated, userinfo decrypts (${persona.id})`, async () => {
      const codeVerifier = client.randomPKCECodeVerifier();
      const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
      const nonce = client.randomNonce();
      const state = client.randomState();
      const scope = 'openid myinfo.name myinfo.nric_number myinfo.date_of_birth myinfo.registered_address';
      const authUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        nonce,
        state,
      });
      const back = await loginThroughWallet(authUrl.href, persona.id);
      const tokens = await client.authorizationCodeGrant(config, back, {
        pkceCodeVerifier: codeVerifier,
        expectedNonce: nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.iss, p.issuer);
      assert.equal(claims.aud, creds.id);
      assert.equal(claims.nonce, nonce);
      assert.equal(typeof claims.sub, 'string');

      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(info.sub, claims.sub);
      const priv = createPrivateKey(creds.privateKey!);
      const data = await decryptUserinfo(info as unknown as { key: string; data: Record<string, string> }, () => priv);
      assert.deepEqual(data, expectedRelease(persona, scope.split(' '), at));
    });
  }

  test('openid-client refuses a wrong state and a wrong nonce (the provider echoes them faithfully)', async () => {
    const run = async () => {
      const codeVerifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const state = client.randomState();
      const authUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        nonce,
        state,
      });
      return { back: await loginThroughWallet(authUrl.href), codeVerifier, nonce, state };
    };
    const a = await run();
    await assert.rejects(
      client.authorizationCodeGrant(config, a.back, { pkceCodeVerifier: a.codeVerifier, expectedNonce: a.nonce, expectedState: 'other-state' }),
      failsWith(/state/),
    );
    const b = await run();
    await assert.rejects(
      client.authorizationCodeGrant(config, b.back, { pkceCodeVerifier: b.codeVerifier, expectedNonce: 'other-nonce', expectedState: b.state }),
      failsWith(/nonce/),
    );
  });

  test('a declined login reaches openid-client as an access_denied error', async () => {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    const back = await loginThroughWallet(authUrl.href, undefined, 'decline');
    await assert.rejects(
      client.authorizationCodeGrant(config, back, { pkceCodeVerifier: codeVerifier, expectedState: state }),
      (err: unknown) => (err as { error?: string }).error === 'access_denied',
    );
  });

  test('client_secret_basic is refused with invalid_client (only client_secret_post is offered)', async () => {
    const basic = await client.discovery(new URL(p.issuer), creds.id, creds.secret, client.ClientSecretBasic(creds.secret), {
      execute: [client.allowInsecureRequests],
    });
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const authUrl = client.buildAuthorizationUrl(basic, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    const back = await loginThroughWallet(authUrl.href);
    await assert.rejects(
      client.authorizationCodeGrant(basic, back, { pkceCodeVerifier: codeVerifier, expectedState: state }),
      (err: unknown) => (err as { error?: string }).error === 'invalid_client',
    );
  });
});
