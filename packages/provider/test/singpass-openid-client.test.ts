/**
 * An independent relying party — openid-client 6 (PAR, DPoP, private_key_jwt, JWE) — completes
 * Singpass FAPI 2.0 logins against the provider: a Login app and a Myinfo app, in automation
 * mode and through the QR page and the wallet (over HTTP here; in Chromium in
 * singpass-browser.test.ts). The only opt-out is plain http (allowInsecureRequests): --tls-cert
 * makes even that unnecessary (singpass-tls.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import type { PersonInfo } from 'sgid-protocol';
import { createSingpassClient } from '../src/portal/singpass-clients.js';
import type { SingpassClientRecord } from '../src/store/types.js';
import { builtInPersonas, personInfo } from '../src/wallet/personas/index.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { answerInWallet, continueToClient, openQrPage } from './helpers/wallet-flow.js';

const REDIRECT = 'http://localhost:3080/callback';
const personas = builtInPersonas(new Date());
const citizen = personas[0]!;
const foreigner = personas.find((p) => p.id.startsWith('M'))!;

interface Rp {
  client: SingpassClientRecord;
  config: oidc.Configuration;
}

async function registerRp(p: TestProvider, appType: 'login' | 'myinfo', scopes: string): Promise<Rp> {
  const sig = await generateKeyPair('ES256', { extractable: true });
  const enc = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(sig.publicKey)), kid: 'rp-sig', use: 'sig', alg: 'ES256' },
      { ...(await exportJWK(enc.publicKey)), kid: 'rp-enc', use: 'enc', alg: 'ECDH-ES+A256KW' },
    ],
  };
  const client = await createSingpassClient(p.store, { name: `openid-client ${appType} app`, appType, scopes, redirectUris: [REDIRECT], jwks });
  const config = await oidc.discovery(new URL(`${p.url}/fapi`), client.id, undefined, oidc.PrivateKeyJwt({ key: sig.privateKey, kid: 'rp-sig' }), {
    execute: [oidc.allowInsecureRequests],
  });
  oidc.enableDecryptingResponses(config, ['A256GCM', 'A256CBC-HS512'], { key: enc.privateKey, kid: 'rp-enc', alg: 'ECDH-ES+A256KW' } as never);
  return { client, config };
}

/** openid-client's whole login; `browse` turns the authorization URL into the callback URL. */
async function login(rp: Rp, browse: (url: URL) => Promise<URL>, extra: Record<string, string> = {}) {
  const DPoP = oidc.getDPoPHandle(rp.config, await oidc.randomDPoPKeyPair());
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = await oidc.buildAuthorizationUrlWithPAR(
    rp.config,
    { redirect_uri: REDIRECT, scope: rp.client.scopes.join(' '), code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, state, ...extra },
    { DPoP },
  );
  assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
  const callback = await browse(url);
  const tokens = await oidc.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true }, undefined, { DPoP });
  return { tokens, DPoP };
}

const automation = async (url: URL): Promise<URL> => {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get('location')!);
};

describe('openid-client 6, automation mode', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider({ autoApprove: citizen.id });
  });
  after(() => p.close());

  test('discovery: the FAPI metadata openid-client needs', async () => {
    const rp = await registerRp(p, 'myinfo', 'openid name');
    const m = rp.config.serverMetadata();
    assert.equal(m.issuer, `${p.url}/fapi`);
    assert.equal(m.pushed_authorization_request_endpoint, `${p.url}/fapi/par`);
    assert.equal(m.require_pushed_authorization_requests, true);
    assert.deepEqual(m.token_endpoint_auth_methods_supported, ['private_key_jwt']);
    assert.deepEqual(m.id_token_signing_alg_values_supported, ['ES256']);
    assert.deepEqual(m.userinfo_signing_alg_values_supported, ['ES256']);
    assert.deepEqual(m.id_token_encryption_enc_values_supported, ['A256CBC-HS512']);
    assert.deepEqual(m.dpop_signing_alg_values_supported, ['ES256', 'ES384', 'ES512']);
  });

  test('a Login app: ID token with sub_attributes for its scopes; no userinfo needed', async () => {
    const rp = await registerRp(p, 'login', 'openid user.identity name mobileno');
    const { tokens } = await login(rp, automation, { authentication_context_type: 'APP_AUTHENTICATION_DEFAULT' });
    assert.equal(tokens.token_type, 'dpop');
    const claims = tokens.claims()!;
    assert.equal(claims.sub, citizen.uuid);
    assert.equal(claims['sub_type'], 'user');
    assert.deepEqual(claims['sub_attributes'], {
      account_type: 'standard',
      identity_number: citizen.id,
      identity_coi: 'SG',
      name: citizen.values['myinfo.name'],
      mobileno: citizen.values['myinfo.mobile_number'],
    });
    assert.equal(claims['acr'], 'urn:singpass:authentication:loa:2');
  });

  test('a Myinfo app: userinfo person_info, every requested item, equal to the persona\'s Myinfo', async () => {
    const items = ['uinfin', 'name', 'sex', 'dob', 'nationality', 'regadd', 'mobileno', 'email', 'hdbtype', 'marital', 'vehicles', 'childrenbirthrecords'];
    const rp = await registerRp(p, 'myinfo', `openid ${items.join(' ')}`);
    const { tokens, DPoP } = await login(rp, automation);
    const sub = tokens.claims()!.sub;
    const info = await oidc.fetchUserInfo(rp.config, tokens.access_token, sub, { DPoP });
    assert.equal(info.sub, citizen.uuid);
    assert.equal(info['iss'], `${p.url}/fapi`);
    assert.deepEqual(info['person_info'], JSON.parse(JSON.stringify(personInfo(citizen, items))) as PersonInfo);
    assert.equal((info['person_info'] as PersonInfo).uinfin?.value, citizen.id);
  });

  test('openid-client refuses a wrong nonce and a wrong state (the provider echoes them faithfully)', async () => {
    const rp = await registerRp(p, 'myinfo', 'openid name');
    const DPoP = oidc.getDPoPHandle(rp.config, await oidc.randomDPoPKeyPair());
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(
      rp.config,
      { redirect_uri: REDIRECT, scope: 'openid name', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce: 'n'.repeat(40), state: 's'.repeat(40) },
      { DPoP },
    );
    const callback = await automation(url);
    await assert.rejects(
      oidc.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: verifier, expectedNonce: 'n'.repeat(40), expectedState: 'x'.repeat(40) }, undefined, { DPoP }),
      (err: Error) => /"state"/.test(String((err.cause as Error | undefined)?.message ?? err.message)),
    );
    await assert.rejects(
      oidc.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: verifier, expectedNonce: 'other'.repeat(8), expectedState: 's'.repeat(40) }, undefined, { DPoP }),
      (err: Error) => /"nonce"/.test(String((err.cause as Error | undefined)?.message ?? err.message)),
    );
  });

  test('PAR errors reach openid-client as the OAuth error (201 only, no WWW-Authenticate)', async () => {
    const rp = await registerRp(p, 'login', 'openid name');
    const DPoP = oidc.getDPoPHandle(rp.config, await oidc.randomDPoPKeyPair());
    await assert.rejects(
      oidc.buildAuthorizationUrlWithPAR(rp.config, { redirect_uri: REDIRECT, scope: 'openid name', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256', nonce: 'n'.repeat(32), state: 's'.repeat(32) }, { DPoP }),
      (err: unknown) => {
        assert.ok(err instanceof oidc.ResponseBodyError, String(err));
        assert.equal(err.error, 'invalid_request');
        assert.match(err.error_description ?? '', /authentication_context_type is missing/);
        return true;
      },
    );
  });
});

describe('openid-client 6 through the QR page and the wallet', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider();
  });
  after(() => p.close());

  test('a Myinfo app: the consent screen lists the Myinfo items with the persona\'s values; userinfo matches', async () => {
    const rp = await registerRp(p, 'myinfo', 'openid uinfin name regadd employment');
    let consent = '';
    const { tokens, DPoP } = await login(rp, async (url) => {
      const qr = await openQrPage(url.href);
      assert.match(qr.html, /Singpass · Log in with the Singpass app/);
      consent = await answerInWallet(qr.walletUrl, foreigner.id, 'approve');
      return continueToClient(qr);
    });
    for (const text of ['NRIC / FIN', foreigner.id, 'Registered address', '21 CAIRNHILL RISE, #07-03, SINGAPORE 229726', 'Name of employer', 'Northwind Analytics Pte. Ltd.']) {
      assert.ok(consent.includes(text.replace(/&/g, '&amp;')), `consent page lacks ${text}`);
    }
    const info = await oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub, { DPoP });
    assert.equal(info.sub, foreigner.uuid);
    assert.equal((info['person_info'] as PersonInfo).uinfin?.value, foreigner.id);
  });

  test('a Login app: the consent screen shows the context message and what the ID token carries', async () => {
    const rp = await registerRp(p, 'login', 'openid user.identity name');
    let consent = '';
    const { tokens } = await login(
      rp,
      async (url) => {
        const qr = await openQrPage(url.href);
        consent = await answerInWallet(qr.walletUrl, citizen.id, 'approve');
        return continueToClient(qr);
      },
      { authentication_context_type: 'APP_PAYMENT_DEFAULT', authentication_context_message: 'Pay 20 dollars to the ice cream shop' },
    );
    assert.match(consent, /says: <strong>Pay 20 dollars to the ice cream shop<\/strong>/);
    assert.match(consent, /NRIC \/ FIN/);
    assert.equal(tokens.claims()!.sub, citizen.uuid);
  });

  test('declined in the wallet: openid-client gets access_denied', async () => {
    const rp = await registerRp(p, 'myinfo', 'openid name');
    await assert.rejects(
      login(rp, async (url) => {
        const qr = await openQrPage(url.href);
        await answerInWallet(qr.walletUrl, citizen.id, 'decline');
        return continueToClient(qr);
      }),
      (err: unknown) => {
        assert.ok(err instanceof oidc.AuthorizationResponseError, String(err));
        assert.equal(err.error, 'access_denied');
        return true;
      },
    );
  });
});
