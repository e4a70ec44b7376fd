/**
 * Automation mode (--auto-approve PERSONA): every valid authorize request is answered at once
 * with a code for that persona — but only once every check has passed.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decryptUserinfo } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import {
  assertAuthorizeErrorPage,
  assertAuthorizeRedirectError,
  authorizeUrl,
  getAuthorize,
  getUserinfo,
  grantBody,
  pkcePair,
  postToken,
} from './helpers/oauth.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';

const REDIRECT = 'http://localhost:5001/api/redirect';

describe('automation mode', () => {
  // The second built-in persona, as the README's personas list shows it.
  const persona = { id: 'S7612846D', name: 'Arjun Krishnan' };
  let p: TestProvider;
  let creds: ClientCredentials;

  before(async () => {
    p = await startProvider({ autoApprove: persona.id });
    creds = await p.createClient({ scopes: 'openid myinfo.name myinfo.nric_number', redirectUris: [REDIRECT] });
  });
  after(() => p.close());

  test('a valid authorize request is answered 302 with a code and the state, no page', async () => {
    const pkce = await pkcePair();
    const scope = 'openid myinfo.name myinfo.nric_number';
    const r = await getAuthorize(authorizeUrl(p, creds, { code_challenge: pkce.challenge, scope, state: 'auto-1' }));
    assert.equal(r.status, 302, r.html.slice(0, 300));
    const loc = r.location!;
    assert.equal(loc.origin + loc.pathname, REDIRECT);
    assert.equal(loc.searchParams.get('state'), 'auto-1');
    const code = loc.searchParams.get('code');
    assert.ok(code);

    const t = await postToken(p, grantBody(creds, code, pkce.verifier, REDIRECT));
    assert.equal(t.status, 200, t.text);
    const info = await getUserinfo(p, t.body['access_token'] as string);
    assert.equal(info.status, 200);
    const priv = createPrivateKey(creds.privateKey!);
    const data = await decryptUserinfo(info.body as { key: string; data: Record<string, string> }, () => priv);
    assert.deepEqual(data, { 'myinfo.name': persona.name, 'myinfo.nric_number': persona.id }, 'the code is for the configured persona');
  });

  test('bad requests still fail: error page or error redirect, never a code', async () => {
    await assertAuthorizeErrorPage(authorizeUrl(p, { id: 'NO-SUCH-CLIENT', redirectUris: [REDIRECT] }));
    await assertAuthorizeErrorPage(authorizeUrl(p, creds, { redirect_uri: 'https://attacker.example/cb' }));
    await assertAuthorizeRedirectError(authorizeUrl(p, creds, { response_type: 'token' }), REDIRECT, 'unsupported_response_type');
    await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: 'openid myinfo.email' }), REDIRECT, 'invalid_scope');
    await assertAuthorizeRedirectError(authorizeUrl(p, creds, { scope: 'myinfo.name' }), REDIRECT, 'invalid_scope');
    await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge: null }), REDIRECT, 'invalid_request');
    await assertAuthorizeRedirectError(authorizeUrl(p, creds, { code_challenge_method: 'plain' }), REDIRECT, 'invalid_request');
    await assertAuthorizeRedirectError(authorizeUrl(p, creds, { state: 's'.repeat(2049) }), REDIRECT, 'invalid_request', 's'.repeat(2049));
  });

  test('PKCE is still enforced at the token endpoint', async () => {
    const pkce = await pkcePair();
    const r = await getAuthorize(authorizeUrl(p, creds, { code_challenge: pkce.challenge }));
    const code = r.location!.searchParams.get('code')!;
    const other = await pkcePair();
    const t = await postToken(p, grantBody(creds, code, other.verifier, REDIRECT));
    assert.equal(t.status, 400);
    assert.equal(t.body['error'], 'invalid_grant');
  });

  test('an unknown persona id at start fails with a clear message', async () => {
    await assert.rejects(startProvider({ autoApprove: 'S0000000Z' }), (err: Error) => {
      assert.match(err.message, /--auto-approve/);
      assert.match(err.message, /S0000000Z/);
      return true;
    });
  });
});
