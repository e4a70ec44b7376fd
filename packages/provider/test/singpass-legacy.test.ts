/**
 * The legacy Singpass flow (NDI OIDC, SINGPASS.md §1a) at the origin and at MockPass's
 * /singpass/v2, each with its own issuer: authorize with every parameter in the query, PKCE,
 * private_key_jwt, the ID token of the client's profile (direct: a JWS with u=<uuid>;
 * direct_pii_allowed: a JWE with s=<NRIC>,u=<uuid>), 2-minute codes, Bearer userinfo for
 * Myinfo apps — by hand and through openid-client 6.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { compactDecrypt, compactVerify, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import * as oidc from 'openid-client';
import { CLIENT_ASSERTION_TYPE } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { RP_REDIRECT, SingpassRp, assertSingpassError } from './helpers/singpass-rp.js';

const PERSONA = builtInPersonas(new Date())[0]!;
const b64sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** The legacy flow by hand for `rp` at `mount` ('' or '/singpass/v2'). */
async function legacyCode(rp: SingpassRp, mount: string, over: Record<string, string | null> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomUUID();
  const nonce = randomUUID();
  const q: Record<string, string | null> = {
    response_type: 'code',
    client_id: rp.client.id,
    redirect_uri: RP_REDIRECT,
    scope: rp.client.scopes.join(' '),
    state,
    nonce,
    code_challenge: b64sha256(verifier),
    code_challenge_method: 'S256',
    ...over,
  };
  const query = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== null));
  const res = await fetch(`${rp.p.url}${mount}/auth?${query}`, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location) : null, html: await res.text(), verifier, state, nonce };
}

async function legacyToken(rp: SingpassRp, mount: string, code: string, verifier: string, over: Record<string, string | null> = {}, aud = `${rp.p.url}${mount}`) {
  const form: Record<string, string | null> = {
    grant_type: 'authorization_code',
    client_id: rp.client.id,
    redirect_uri: RP_REDIRECT,
    code,
    code_verifier: verifier,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: await rp.assertion({ aud }),
    ...over,
  };
  const res = await fetch(`${rp.p.url}${mount}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.entries(form).filter((e): e is [string, string] => e[1] !== null)).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as Record<string, unknown> };
}

async function verifyWithProviderKeys(p: TestProvider, mount: string, jws: string) {
  const jwks = (await (await fetch(`${p.url}${mount}/.well-known/keys`)).json()) as { keys: JWK[] };
  const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks));
  return { header: protectedHeader, claims: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown> };
}

describe('legacy NDI OIDC, automation mode', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider({ autoApprove: PERSONA.id });
  });
  after(() => p.close());

  test('discovery at the origin and at /singpass/v2, each with its own issuer; 6-hour cache', async () => {
    for (const mount of ['', '/singpass/v2']) {
      const res = await fetch(`${p.url}${mount}/.well-known/openid-configuration`);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=21600');
      const d = (await res.json()) as Record<string, unknown>;
      assert.equal(d['issuer'], `${p.url}${mount}`);
      assert.equal(d['authorization_endpoint'], `${p.url}${mount}/auth`);
      assert.equal(d['token_endpoint'], `${p.url}${mount}/token`);
      assert.equal(d['jwks_uri'], `${p.url}${mount}/.well-known/keys`);
      assert.deepEqual(d['token_endpoint_auth_methods_supported'], ['private_key_jwt']);
      assert.deepEqual(d['id_token_signing_alg_values_supported'], ['ES256']);
    }
  });

  test('profile direct: the ID token is an ES256 JWS with sub u=<uuid>, exp = iat + 600, the nonce', async () => {
    const rp = await SingpassRp.register(p, { appType: 'login', scopes: 'openid', legacyProfile: 'direct', mount: '' });
    const c = await legacyCode(rp, '');
    assert.equal(c.status, 302, c.html.slice(0, 300));
    assert.equal(c.location!.searchParams.get('state'), c.state);
    const t = await legacyToken(rp, '', c.location!.searchParams.get('code')!, c.verifier);
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body['token_type'], 'Bearer');
    const idToken = t.body['id_token'] as string;
    assert.equal(idToken.split('.').length, 3, 'a JWS, not encrypted');
    const { header, claims } = await verifyWithProviderKeys(p, '', idToken);
    assert.equal(header.alg, 'ES256');
    assert.equal(claims['sub'], `u=${PERSONA.uuid}`);
    assert.equal(claims['iss'], p.url);
    assert.equal(claims['aud'], rp.client.id);
    assert.equal(claims['nonce'], c.nonce);
    assert.equal((claims['exp'] as number) - (claims['iat'] as number), 600);
  });

  test('profile direct_pii_allowed: a JWE to the RP key, holding a JWS with sub s=<NRIC>,u=<uuid>', async () => {
    const rp = await SingpassRp.register(p, { appType: 'login', scopes: 'openid', legacyProfile: 'direct_pii_allowed', mount: '' });
    const c = await legacyCode(rp, '');
    const t = await legacyToken(rp, '', c.location!.searchParams.get('code')!, c.verifier);
    const idToken = t.body['id_token'] as string;
    assert.deepEqual([decodeProtectedHeader(idToken).alg, decodeProtectedHeader(idToken).enc, decodeProtectedHeader(idToken).cty], ['ECDH-ES+A256KW', 'A256CBC-HS512', 'JWT']);
    const { plaintext } = await compactDecrypt(idToken, rp.enc.privateKey);
    const { claims } = await verifyWithProviderKeys(p, '', new TextDecoder().decode(plaintext));
    assert.equal(claims['sub'], `s=${PERSONA.id},u=${PERSONA.uuid}`);
  });

  test('a Myinfo app: Bearer userinfo, items at the root of a JWS inside an A256CBC-HS512 JWE', async () => {
    const rp = await SingpassRp.register(p, { appType: 'myinfo', scopes: 'openid uinfin name regadd', mount: '' });
    const c = await legacyCode(rp, '');
    const t = await legacyToken(rp, '', c.location!.searchParams.get('code')!, c.verifier);
    const res = await fetch(`${p.url}/userinfo`, { headers: { authorization: `Bearer ${t.body['access_token'] as string}` } });
    const jwe = await res.text();
    assert.equal(res.status, 200, jwe);
    assert.equal(decodeProtectedHeader(jwe).enc, 'A256CBC-HS512');
    const { plaintext } = await compactDecrypt(jwe, rp.enc.privateKey);
    const { claims } = await verifyWithProviderKeys(p, '', new TextDecoder().decode(plaintext));
    assert.deepEqual((claims['uinfin'] as { value: string }).value, PERSONA.id);
    assert.ok(claims['regadd'] && claims['name']);
    assert.equal(claims['sub'], `u=${PERSONA.uuid}`);
    assert.equal(claims['person_info'], undefined, 'legacy puts the items at the root');
    const bad = await fetch(`${p.url}/userinfo`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
  });

  test('MockPass\'s /singpass/v2: its own issuer in tokens and assertions; its codes are not good at the origin', async () => {
    const rp = await SingpassRp.register(p, { appType: 'login', scopes: 'openid', mount: '/singpass/v2' });
    const c = await legacyCode(rp, '/singpass/v2');
    const code = c.location!.searchParams.get('code')!;
    const wrongAud = await legacyToken(rp, '/singpass/v2', code, c.verifier, {}, p.url);
    assertSingpassError(wrongAud as never, 401, 'invalid_client', /"aud"/);
    const elsewhere = await legacyToken(rp, '', code, c.verifier, {}, p.url);
    assertSingpassError(elsewhere as never, 400, 'invalid_grant', /another issuer/);
    const c2 = await legacyCode(rp, '/singpass/v2');
    const t = await legacyToken(rp, '/singpass/v2', c2.location!.searchParams.get('code')!, c2.verifier);
    assert.equal(t.status, 200, t.text);
    const { claims } = await verifyWithProviderKeys(p, '/singpass/v2', t.body['id_token'] as string);
    assert.equal(claims['iss'], `${p.url}/singpass/v2`);
  });

  test('checks: no PKCE, wrong verifier, reused code, a code claim of another code, a scope beyond openid, an unregistered redirect URI', async () => {
    const rp = await SingpassRp.register(p, { appType: 'login', scopes: 'openid', mount: '' });
    const noPkce = await legacyCode(rp, '', { code_challenge: null });
    assert.equal(noPkce.location!.searchParams.get('error'), 'invalid_request');
    assert.equal(noPkce.location!.searchParams.get('state'), noPkce.state);
    const unregistered = await legacyCode(rp, '', { redirect_uri: 'https://evil.example/cb' });
    assert.equal(unregistered.status, 400);
    assert.equal(unregistered.location, null);

    const c = await legacyCode(rp, '');
    const code = c.location!.searchParams.get('code')!;
    assertSingpassError((await legacyToken(rp, '', code, randomBytes(32).toString('base64url'))) as never, 400, 'invalid_grant', /code_challenge/);
    assertSingpassError((await legacyToken(rp, '', code, c.verifier, { scope: 'openid name' })) as never, 400, 'invalid_scope');
    const claimed = await legacyToken(rp, '', code, c.verifier, { client_assertion: await rp.assertion({ aud: p.url, claims: { code: 'another' } }) });
    assertSingpassError(claimed as never, 401, 'invalid_client', /"code" claim/);
    assert.equal((await legacyToken(rp, '', code, c.verifier)).status, 200);
    assertSingpassError((await legacyToken(rp, '', code, c.verifier)) as never, 400, 'invalid_grant', /already been used/);
  });
});

describe('legacy: 2-minute codes (here 1 s), and openid-client 6', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider({ autoApprove: PERSONA.id, singpassLifetimes: { legacyCode: 1 } });
  });
  after(() => p.close());

  test('an expired code → invalid_grant', async () => {
    const rp = await SingpassRp.register(p, { appType: 'login', scopes: 'openid', mount: '' });
    const c = await legacyCode(rp, '');
    await new Promise((r) => setTimeout(r, 1300));
    assertSingpassError((await legacyToken(rp, '', c.location!.searchParams.get('code')!, c.verifier)) as never, 400, 'invalid_grant', /unknown or expired/);
  });

  test('openid-client 6: a direct_pii_allowed Myinfo app, code flow with PKCE and private_key_jwt, userinfo decrypted', async () => {
    const sig = await generateKeyPair('ES256', { extractable: true });
    const enc = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const keys = { sig: { privateKey: sig.privateKey, publicJwk: await exportJWK(sig.publicKey), kid: 'ls' }, enc: { privateKey: enc.privateKey, publicJwk: await exportJWK(enc.publicKey), kid: 'le' } };
    const rp = await SingpassRp.register(p, { appType: 'myinfo', scopes: 'openid uinfin name', legacyProfile: 'direct_pii_allowed', mount: '' }, keys);
    const config = await oidc.discovery(new URL(p.url), rp.client.id, undefined, oidc.PrivateKeyJwt({ key: sig.privateKey, kid: 'ls' }), { execute: [oidc.allowInsecureRequests] });
    oidc.enableDecryptingResponses(config, ['A256CBC-HS512'], { key: enc.privateKey, kid: 'le', alg: 'ECDH-ES+A256KW' } as never);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: RP_REDIRECT, scope: 'openid uinfin name', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, state });
    const res = await fetch(url, { redirect: 'manual' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(res.headers.get('location')!), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
    const sub = tokens.claims()!.sub;
    assert.equal(sub, `s=${PERSONA.id},u=${PERSONA.uuid}`);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.equal((info['uinfin'] as { value: string }).value, PERSONA.id);
  });
});
