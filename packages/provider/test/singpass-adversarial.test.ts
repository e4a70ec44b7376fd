/**
 * Singpass FAPI 2.0, adversarially, over HTTP: one test per check of SINGPASS.md §4 (and each
 * one MockPass skips, §3), each broken on the wire by a hand-driven relying party and refused
 * with Singpass's error code and status. Automation mode answers authorize with a code at once,
 * after every check.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CLIENT_ASSERTION_TYPE } from 'sgid-protocol';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { RP_REDIRECT, SingpassRp, assertSingpassError, ecKeyPair, signRaw } from './helpers/singpass-rp.js';

const PERSONA = builtInPersonas(new Date())[0]!;
const now = () => Math.floor(Date.now() / 1000);
const b64sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

let p: TestProvider;
let myinfo: SingpassRp;
let login: SingpassRp;

before(async () => {
  p = await startProvider({ autoApprove: PERSONA.id });
  myinfo = await SingpassRp.register(p, { appType: 'myinfo' });
  login = await SingpassRp.register(p, { appType: 'login' });
});
after(() => p.close());

/** PAR with `form` overrides; the answer. */
async function parWith(rp: SingpassRp, over: Record<string, string | null>, dpop?: string | null) {
  const { form } = await rp.parForm(over);
  return rp.par(form, dpop);
}

describe('§4.1 registered clients', () => {
  test('an unknown client (the assertion names a client that is not registered) → 401 invalid_client', async () => {
    const stranger = 'Z'.repeat(32);
    const r = await parWith(myinfo, { client_id: stranger, client_assertion: await myinfo.assertion({ claims: { iss: stranger, sub: stranger } }) });
    assertSingpassError(r, 401, 'invalid_client', /unknown client "ZZZZ/);
  });
  test('redirect_uri not registered, or differing by a trailing slash → 400 invalid_request', async () => {
    assertSingpassError(await parWith(myinfo, { redirect_uri: 'https://evil.example/cb' }), 400, 'invalid_request', /not registered/);
    assertSingpassError(await parWith(myinfo, { redirect_uri: `${RP_REDIRECT}/` }), 400, 'invalid_request', /not registered/);
  });
  test('a scope beyond the registration → 400 invalid_scope', async () => {
    assertSingpassError(await parWith(myinfo, { scope: 'openid uinfin cpfbalances' }), 400, 'invalid_scope', /may not request cpfbalances/);
    assertSingpassError(await parWith(login, { scope: 'openid name uinfin' }), 400, 'invalid_scope', /uinfin/);
  });
  test('acr_values not whitelisted → invalid_request; a whitelisted loa:3 gives acr loa:3 and face in amr', async () => {
    assertSingpassError(await parWith(myinfo, { acr_values: 'urn:singpass:authentication:loa:3' }), 400, 'invalid_request', /not whitelisted/);
    const strong = await SingpassRp.register(p, { appType: 'myinfo', acrValues: 'urn:singpass:authentication:loa:3' });
    const { id_token } = await strong.tokens({ acr_values: 'urn:singpass:authentication:loa:3' });
    const { payload } = await strong.open(id_token);
    assert.equal(payload['acr'], 'urn:singpass:authentication:loa:3');
    assert.deepEqual(payload['amr'], ['swk', 'face']);
    assertSingpassError(await parWith(strong, { acr_values: 'urn:singpass:authentication:loa:1' }), 400, 'invalid_request', /loa:1 is not whitelisted/);
  });
});

describe('§4.3 client assertions', () => {
  const refused = async (rp: SingpassRp, assertion: string, pattern: RegExp) =>
    assertSingpassError(await parWith(rp, { client_assertion: assertion }), 401, 'invalid_client', pattern);

  test('missing, wrong client_assertion_type, or a client secret instead → invalid_client', async () => {
    assertSingpassError(await parWith(myinfo, { client_assertion: null }), 401, 'invalid_client', /client authentication is missing/);
    assertSingpassError(await parWith(myinfo, { client_assertion_type: 'urn:x' }), 401, 'invalid_client', /client_assertion_type must be/);
    assertSingpassError(await parWith(myinfo, { client_secret: 'secret' }), 401, 'invalid_client', /private_key_jwt/);
  });
  test('alg outside ES256/384/512 (HS256, none) → invalid_client', async () => {
    const claims = { iss: myinfo.client.id, sub: myinfo.client.id, aud: myinfo.issuer, iat: now(), exp: now() + 60, jti: randomUUID() };
    await refused(myinfo, await signRaw(claims, { alg: 'HS256', typ: 'JWT' }, myinfo.sig.privateKey), /"alg" must be one of ES256/);
    await refused(myinfo, await signRaw(claims, { alg: 'none', typ: 'JWT' }, null), /"alg" must be one of ES256/);
  });
  test('an alg that does not fit the key (ES384 from a P-256 key) → invalid_client', async () => {
    const claims = { iss: myinfo.client.id, sub: myinfo.client.id, aud: myinfo.issuer, iat: now(), exp: now() + 60, jti: randomUUID() };
    await refused(myinfo, await signRaw(claims, { alg: 'ES384', typ: 'JWT', kid: myinfo.sig.kid }, myinfo.sig.privateKey, 'SHA-384'), /registered for ES256|on P-256/);
  });
  test('typ other than JWT → invalid_client; typ absent (openid-client, Singpass demo) → accepted', async () => {
    await refused(myinfo, await myinfo.assertion({ header: { typ: 'at+jwt' } }), /"typ" must be "JWT"/);
    const r = await parWith(myinfo, { client_assertion: await myinfo.assertion({ header: { typ: undefined } }) });
    assert.equal(r.status, 201, r.text);
  });
  test('an unknown kid → invalid_client naming it; no kid → every signing key is tried', async () => {
    await refused(myinfo, await myinfo.assertion({ header: { kid: 'nope' } }), /kid "nope"/);
    const r = await parWith(myinfo, { client_assertion: await myinfo.assertion({ header: { kid: undefined } }) });
    assert.equal(r.status, 201, r.text);
  });
  test('signed by another key → invalid_client', async () => {
    const other = await ecKeyPair('ES256');
    await refused(myinfo, await myinfo.assertion({ key: other.privateKey }), /signature does not verify/);
  });
  test('iss ≠ sub, or sub ≠ the form client_id → invalid_client', async () => {
    await refused(myinfo, await myinfo.assertion({ claims: { iss: 'X'.repeat(32) } }), /"iss" .* must equal "sub"/);
    const r = await parWith(myinfo, { client_id: login.client.id });
    assertSingpassError(r, 401, 'invalid_client', /differs from the client_assertion/);
  });
  test('aud other than the issuer → invalid_client; the endpoint URL is accepted (as Singpass appears to)', async () => {
    await refused(myinfo, await myinfo.assertion({ aud: 'https://stg-id.singpass.gov.sg/fapi' }), /"aud"/);
    const r = await parWith(myinfo, { client_assertion: await myinfo.assertion({ aud: myinfo.url('/par') }) });
    assert.equal(r.status, 201, r.text);
  });
  test('expired, living longer than 120 s, issued in the future, no exp, no jti → invalid_client', async () => {
    await refused(myinfo, await myinfo.assertion({ claims: { iat: now() - 200, exp: now() - 100 } }), /expired/);
    await refused(myinfo, await myinfo.assertion({ claims: { exp: now() + 300 } }), /at most 120 s/);
    await refused(myinfo, await myinfo.assertion({ claims: { iat: now() + 100, exp: now() + 150 } }), /in the future/);
    await refused(myinfo, await myinfo.assertion({ claims: { exp: undefined } }), /no numeric "exp"/);
    await refused(myinfo, await myinfo.assertion({ claims: { jti: undefined } }), /no "jti"/);
  });
  test('a jti used twice (PAR, then the same assertion at token) → invalid_client', async () => {
    const assertion = await myinfo.assertion();
    const first = await parWith(myinfo, { client_assertion: assertion });
    assert.equal(first.status, 201, first.text);
    await refused(myinfo, assertion, /was used before/);
    const c = await myinfo.code();
    const r = await myinfo.token(await myinfo.tokenForm(c.code, c.verifier, { client_assertion: assertion }));
    assertSingpassError(r, 401, 'invalid_client', /was used before/);
  });
});

describe('§4.4 DPoP at PAR', () => {
  test('neither a DPoP header nor dpop_jkt → 400 invalid_request', async () => {
    assertSingpassError(await parWith(myinfo, {}, null), 400, 'invalid_request', /DPoP is required/);
  });
  test('both, for different keys → invalid_request', async () => {
    const other = await ecKeyPair('ES256');
    assertSingpassError(await parWith(myinfo, { dpop_jkt: await myinfo.jkt(other) }), 400, 'invalid_request', /dpop_jkt differs/);
  });
  test('dpop_jkt alone binds the login: the token request must prove that key', async () => {
    const key = await ecKeyPair('ES256');
    const { form, verifier } = await myinfo.parForm({ dpop_jkt: await myinfo.jkt(key) });
    const par = await myinfo.par(form, null);
    assert.equal(par.status, 201, par.text);
    const code = (await myinfo.authorize(par.body['request_uri'] as string)).location!.searchParams.get('code')!;
    const wrong = await myinfo.token(await myinfo.tokenForm(code, verifier));
    assertSingpassError(wrong, 400, 'invalid_dpop_proof', /another key than the one bound at PAR/);
    const code2 = await (async () => {
      const f = await myinfo.parForm({ dpop_jkt: await myinfo.jkt(key) });
      const r = await myinfo.par(f.form, null);
      return { code: (await myinfo.authorize(r.body['request_uri'] as string)).location!.searchParams.get('code')!, verifier: f.verifier };
    })();
    const ok = await myinfo.token(await myinfo.tokenForm(code2.code, code2.verifier), await myinfo.proof('POST', myinfo.url('/token'), { key }));
    assert.equal(ok.status, 200, ok.text);
  });
});

describe('§4.5 DPoP proofs', () => {
  const proofAtPar = async (over: Parameters<SingpassRp['proof']>[2] = {}, htm = 'POST', htu = myinfo.url('/par')) => parWith(myinfo, {}, await myinfo.proof(htm, htu, over));
  const refused = async (r: Awaited<ReturnType<typeof proofAtPar>>, pattern: RegExp) => assertSingpassError(r, 400, 'invalid_dpop_proof', pattern);

  test('typ other than dpop+jwt → invalid_dpop_proof', async () => {
    await refused(await proofAtPar({ header: { typ: 'JWT' } }), /"typ" must be "dpop\+jwt"/);
  });
  test('alg none / HS256, or ES384 over a P-256 jwk → invalid_dpop_proof', async () => {
    const claims = { htm: 'POST', htu: myinfo.url('/par'), iat: now(), jti: randomUUID() };
    await refused(await parWith(myinfo, {}, await signRaw(claims, { alg: 'none', typ: 'dpop+jwt', jwk: myinfo.dpop.publicJwk }, null)), /"alg" must be one of/);
    await refused(await parWith(myinfo, {}, await signRaw(claims, { alg: 'HS256', typ: 'dpop+jwt', jwk: myinfo.dpop.publicJwk }, myinfo.dpop.privateKey)), /"alg" must be one of/);
    await refused(await parWith(myinfo, {}, await signRaw(claims, { alg: 'ES384', typ: 'dpop+jwt', jwk: myinfo.dpop.publicJwk }, myinfo.dpop.privateKey, 'SHA-384')), /on P-256/);
  });
  test('no jwk, a jwk with the private key, or a signature by another key → invalid_dpop_proof', async () => {
    await refused(await proofAtPar({ header: { jwk: undefined } }), /no "jwk"/);
    const full = (await ecKeyPair('ES256')) as { privateKey: CryptoKey; publicJwk: Record<string, unknown> };
    const { exportJWK } = await import('jose');
    const withD = await exportJWK(full.privateKey);
    await refused(await proofAtPar({ key: { privateKey: full.privateKey, publicJwk: withD } }), /private key \("d"\)/);
    const other = await ecKeyPair('ES256');
    await refused(await proofAtPar({ header: { jwk: other.publicJwk } }), /signature does not verify/);
  });
  test('htm or htu of another request → invalid_dpop_proof; a query on htu is ignored (RFC 9449 §4.3)', async () => {
    await refused(await proofAtPar({}, 'GET'), /"htm"/);
    await refused(await proofAtPar({}, 'POST', myinfo.url('/token')), /"htu"/);
    await refused(await proofAtPar({}, 'POST', myinfo.url('/par').replace('127.0.0.1', 'localhost')), /"htu"/);
    const r = await proofAtPar({}, 'POST', `${myinfo.url('/par')}?x=1`);
    assert.equal(r.status, 201, r.text);
  });
  test('iat too old or in the future; exp past or beyond iat + 120 → invalid_dpop_proof; no exp → accepted', async () => {
    await refused(await proofAtPar({ claims: { iat: now() - 600, exp: undefined } }), /s old/);
    await refused(await proofAtPar({ claims: { iat: now() + 120 } }), /in the future/);
    await refused(await proofAtPar({ claims: { exp: now() - 30 } }), /expired/);
    await refused(await proofAtPar({ claims: { exp: now() + 600 } }), /at most 120 s/);
    const r = await proofAtPar({ claims: { exp: undefined } });
    assert.equal(r.status, 201, r.text);
  });
  test('a jti used twice → invalid_dpop_proof; two DPoP headers → invalid_dpop_proof', async () => {
    const proof = await myinfo.proof('POST', myinfo.url('/par'));
    assert.equal((await parWith(myinfo, {}, proof)).status, 201);
    await refused(await parWith(myinfo, {}, proof), /was used before/);
    const { form } = await myinfo.parForm();
    const res = await fetch(myinfo.url('/par'), {
      method: 'POST',
      headers: [['content-type', 'application/x-www-form-urlencoded'], ['dpop', await myinfo.proof('POST', myinfo.url('/par'))], ['dpop', await myinfo.proof('POST', myinfo.url('/par'))]],
      body: new URLSearchParams(form).toString(),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_dpop_proof');
  });
  test('ES384 and ES512 proofs are accepted (MockPass takes ES256 only)', async () => {
    for (const [alg, crv] of [['ES384', 'P-384'], ['ES512', 'P-521']] as const) {
      const key = await ecKeyPair(alg);
      const r = await parWith(myinfo, {}, await myinfo.proof('POST', myinfo.url('/par'), { key, header: { alg } }));
      assert.equal(r.status, 201, `${alg}/${crv}: ${r.text}`);
    }
  });
});

describe('§4.6 PAR parameters', () => {
  const bad = async (rp: SingpassRp, over: Record<string, string | null>, error: string, pattern: RegExp) => assertSingpassError(await parWith(rp, over), 400, error, pattern);

  test('response_type other than code → unsupported_response_type; scope without openid → invalid_scope', async () => {
    await bad(myinfo, { response_type: 'token' }, 'unsupported_response_type', /must be "code"/);
    await bad(myinfo, { scope: 'uinfin name' }, 'invalid_scope', /must include "openid"/);
  });
  test('state missing, over 255 characters or outside its alphabet; nonce missing or over 255 → invalid_request', async () => {
    await bad(myinfo, { state: null }, 'invalid_request', /"state" is missing/);
    await bad(myinfo, { state: 'a'.repeat(256) }, 'invalid_request', /state must be 1 to 255/);
    await bad(myinfo, { state: 'has space' }, 'invalid_request', /state must be/);
    await bad(myinfo, { nonce: null }, 'invalid_request', /"nonce" is missing/);
    await bad(myinfo, { nonce: 'n'.repeat(256) }, 'invalid_request', /at most 255/);
  });
  test('PKCE: no challenge, plain, or a challenge that is not 43 base64url characters → invalid_request', async () => {
    await bad(myinfo, { code_challenge: null }, 'invalid_request', /code_challenge is missing/);
    await bad(myinfo, { code_challenge_method: 'plain' }, 'invalid_request', /"plain" is not supported/);
    await bad(myinfo, { code_challenge: 'x'.repeat(42) }, 'invalid_request', /43 characters/);
  });
  test('Login app: authentication_context_type required and from the list; message charset and length', async () => {
    await bad(login, { authentication_context_type: null }, 'invalid_request', /authentication_context_type is missing/);
    await bad(login, { authentication_context_type: 'LOGIN' }, 'invalid_request', /not one of Singpass's values/);
    await bad(login, { authentication_context_message: 'Pay <script>' }, 'invalid_request', /authentication_context_message must be/);
    await bad(login, { authentication_context_message: 'x'.repeat(101) }, 'invalid_request', /authentication_context_message must be/);
    const ok = await parWith(login, { authentication_context_type: 'APP_PAYMENT_DEFAULT', authentication_context_message: "Pay 10 dollars to Ice Cream (test) Pte. Ltd.!" });
    assert.equal(ok.status, 201, ok.text);
  });
  test('Myinfo app: either context parameter is refused with Singpass\'s words', async () => {
    await bad(myinfo, { authentication_context_type: 'APP_AUTHENTICATION_DEFAULT' }, 'invalid_request', /can only be provided for Login apps/);
    await bad(myinfo, { authentication_context_message: 'hello' }, 'invalid_request', /can only be provided for Login apps/);
  });
  test('redirect_uri_https_type outside its enum; a request object; a duplicated parameter → invalid_request', async () => {
    await bad(myinfo, { redirect_uri_https_type: 'custom' }, 'invalid_request', /redirect_uri_https_type/);
    await bad(myinfo, { request: 'eyJ.x.y' }, 'invalid_request', /request object/);
    const { form } = await myinfo.parForm();
    const pairs: [string, string][] = [...Object.entries(form), ['scope', 'openid']];
    assertSingpassError(await myinfo.par(pairs), 400, 'invalid_request', /"scope" was sent 2 times/);
  });
  test('a JSON body instead of a form → invalid_request; success is 201 with a 60 s request_uri', async () => {
    const { form } = await myinfo.parForm();
    const json = await myinfo.post('/par', JSON.stringify(form), { 'content-type': 'application/json', dpop: await myinfo.proof('POST', myinfo.url('/par')) });
    assertSingpassError(json, 400, 'invalid_request', /application\/x-www-form-urlencoded/);
    const ok = await myinfo.par(form);
    assert.equal(ok.status, 201);
    assert.match(ok.body['request_uri'] as string, /^urn:ietf:params:oauth:request_uri:/);
    assert.equal(ok.body['expires_in'], 60);
  });
});

describe('§4.7 request_uri', () => {
  test('single use: a second authorize with it is an error page, never a redirect', async () => {
    const { form } = await myinfo.parForm();
    const uri = (await myinfo.par(form)).body['request_uri'] as string;
    assert.equal((await myinfo.authorize(uri)).status, 302);
    const again = await myinfo.authorize(uri);
    assert.equal(again.status, 400);
    assert.equal(again.location, null);
    assert.match(again.html, /unknown, expired .* or already used/);
  });
  test('bound to its client: another client_id → error page', async () => {
    const { form } = await myinfo.parForm();
    const uri = (await myinfo.par(form)).body['request_uri'] as string;
    const r = await myinfo.authorize(uri, {}, login.client.id);
    assert.equal(r.status, 400);
    assert.equal(r.location, null);
    assert.match(r.html, /pushed by another client/);
  });
  test('any other authorization parameter → redirect with invalid_request and the state', async () => {
    const { form, state } = await myinfo.parForm();
    const uri = (await myinfo.par(form)).body['request_uri'] as string;
    const r = await myinfo.authorize(uri, { scope: 'openid uinfin' });
    assert.equal(r.status, 302);
    assert.equal(r.location!.searchParams.get('error'), 'invalid_request');
    assert.equal(r.location!.searchParams.get('state'), state);
    assert.equal(r.location!.searchParams.get('code'), null);
  });
  test('an unknown client_id or a malformed request_uri → error page', async () => {
    const r = await myinfo.authorize('urn:ietf:params:oauth:request_uri:x', {}, 'Q'.repeat(32));
    assert.equal(r.status, 400);
    assert.match(r.html, /unknown client_id/);
    const m = await myinfo.authorize('https://evil.example/req');
    assert.equal(m.status, 400);
    assert.match(m.html, /must be the value PAR returned/);
  });
});

describe('§4.8 codes', () => {
  test('single use: a second redemption is invalid_grant and revokes the access token of the first', async () => {
    const c = await myinfo.code();
    const first = await myinfo.token(await myinfo.tokenForm(c.code, c.verifier));
    assert.equal(first.status, 200, first.text);
    const token = first.body['access_token'] as string;
    assert.equal((await myinfo.userinfo(token)).status, 200);
    const second = await myinfo.token(await myinfo.tokenForm(c.code, c.verifier));
    assertSingpassError(second, 400, 'invalid_grant', /already been used/);
    const after = await myinfo.userinfo(token);
    assert.equal(after.status, 401);
    assert.equal(after.body['error'], 'invalid_token');
  });
  test('bound to the client: redeemed by another client → invalid_grant', async () => {
    const other = await SingpassRp.register(p, { appType: 'myinfo' });
    const c = await myinfo.code();
    assertSingpassError(await other.token(await other.tokenForm(c.code, c.verifier)), 400, 'invalid_grant', /another client/);
  });
  test('bound to the redirect URI and the PKCE challenge → invalid_grant', async () => {
    const two = await SingpassRp.register(p, { appType: 'myinfo', redirectUris: [RP_REDIRECT, 'http://localhost:3080/other'] });
    const c = await two.code();
    assertSingpassError(await two.token(await two.tokenForm(c.code, c.verifier, { redirect_uri: 'http://localhost:3080/other' })), 400, 'invalid_grant', /redirect_uri/);
    const d = await myinfo.code();
    assertSingpassError(await myinfo.token(await myinfo.tokenForm(d.code, randomBytes(32).toString('base64url'))), 400, 'invalid_grant', /does not match the code_challenge/);
  });
  test('bound to the DPoP key of PAR: a token request proved with another key → invalid_dpop_proof', async () => {
    const c = await myinfo.code();
    const other = await ecKeyPair('ES256');
    const r = await myinfo.token(await myinfo.tokenForm(c.code, c.verifier), await myinfo.proof('POST', myinfo.url('/token'), { key: other }));
    assertSingpassError(r, 400, 'invalid_dpop_proof', /another key than the one bound at PAR/);
  });
  test('an unknown code → invalid_grant', async () => {
    assertSingpassError(await myinfo.token(await myinfo.tokenForm('nope', randomBytes(32).toString('base64url'))), 400, 'invalid_grant', /unknown or expired/);
  });
});

describe('§4.9 token requests', () => {
  test('grant_type other than authorization_code → unsupported_grant_type', async () => {
    const c = await myinfo.code();
    assertSingpassError(await myinfo.token(await myinfo.tokenForm(c.code, c.verifier, { grant_type: 'refresh_token' })), 400, 'unsupported_grant_type');
  });
  test('no DPoP header → invalid_request (MockPass accepts it)', async () => {
    const c = await myinfo.code();
    assertSingpassError(await myinfo.token(await myinfo.tokenForm(c.code, c.verifier), null), 400, 'invalid_request', /DPoP header is missing/);
  });
  test('a verifier outside Singpass\'s alphabet (RFC 7636 allows "~") → invalid_grant; no verifier → invalid_request', async () => {
    const c = await myinfo.code();
    assertSingpassError(await myinfo.token(await myinfo.tokenForm(c.code, `${randomBytes(32).toString('base64url')}~`)), 400, 'invalid_grant', /A-Z a-z 0-9 - _/);
    const d = await myinfo.code();
    assertSingpassError(await myinfo.token(await myinfo.tokenForm(d.code, '', { code_verifier: null })), 400, 'invalid_request', /code_verifier is missing/);
  });
  test('the answer: token_type DPoP, expires_in 1800, no scope, no refresh token, no-store', async () => {
    const c = await myinfo.code();
    const r = await myinfo.token(await myinfo.tokenForm(c.code, c.verifier));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), ['access_token', 'expires_in', 'id_token', 'token_type']);
    assert.equal(r.body['token_type'], 'DPoP');
    assert.equal(r.body['expires_in'], 1800);
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });
});

describe('§4.10 ID tokens', () => {
  test('a JWE to the RP encryption key (ECDH-ES+A256KW, A256CBC-HS512, cty JWT, its kid) around an ES256 JWS with kid', async () => {
    const { id_token, nonce } = await myinfo.tokens();
    assert.equal(id_token.split('.').length, 5);
    const { header, innerHeader, payload } = await myinfo.open(id_token);
    assert.equal(header['alg'], 'ECDH-ES+A256KW');
    assert.equal(header['enc'], 'A256CBC-HS512');
    assert.equal(header['cty'], 'JWT');
    assert.equal(header['kid'], myinfo.enc.kid);
    assert.equal(innerHeader.alg, 'ES256');
    assert.ok(innerHeader.kid);
    assert.equal(payload.iss, myinfo.issuer);
    assert.equal(payload.aud, myinfo.client.id);
    assert.equal(payload.sub, PERSONA.uuid);
    assert.equal(payload['sub_type'], 'user');
    assert.equal(payload['nonce'], nonce);
    assert.ok(Number.isInteger(payload.iat));
    assert.equal(payload.exp! - payload.iat!, 600);
    assert.equal(payload['acr'], 'urn:singpass:authentication:loa:2');
  });
  test('sub_attributes only as the scopes allow: none for openid alone', async () => {
    const bare = await SingpassRp.register(p, { appType: 'login', scopes: 'openid name' });
    const { payload: none } = await bare.open((await bare.tokens({ scope: 'openid' })).id_token);
    assert.equal(none['sub_attributes'], undefined);
    const { payload: full } = await login.open((await login.tokens()).id_token);
    assert.deepEqual(full['sub_attributes'], {
      account_type: 'standard',
      identity_number: PERSONA.id,
      identity_coi: 'SG',
      name: PERSONA.values['myinfo.name'],
      email: PERSONA.values['myinfo.email'],
      mobileno: PERSONA.values['myinfo.mobile_number'],
    });
  });
  test('the strongest encryption key is chosen (curve, then key wrap); its own alg is used', async () => {
    const { sig } = await SingpassRp.keys();
    const weak = { ...(await ecKeyPair('ECDH-ES', 'P-256')), kid: 'weak' };
    const strong = { ...(await ecKeyPair('ECDH-ES', 'P-384')), kid: 'strong' };
    const rp = await SingpassRp.register(p, {}, { sig, enc: strong });
    // Re-register with both keys: P-256/A256KW and P-384/A128KW.
    await p.store.putSingpassClient({
      ...rp.client,
      jwks: { keys: [{ ...sig.publicJwk, kid: sig.kid, use: 'sig', alg: 'ES256' }, { ...weak.publicJwk, kid: 'weak', use: 'enc', alg: 'ECDH-ES+A256KW' }, { ...strong.publicJwk, kid: 'strong', use: 'enc', alg: 'ECDH-ES+A128KW' }] },
      updatedAt: Date.now(),
    });
    const { id_token } = await rp.tokens();
    const h = decodeProtectedHeader(id_token);
    assert.equal(h.kid, 'strong');
    assert.equal(h.alg, 'ECDH-ES+A128KW');
    assert.equal((h.epk as { crv: string }).crv, 'P-384');
  });
});

describe('§4.11 access tokens and userinfo', () => {
  test('the access token is an at+jwt bound to the DPoP key (cnf.jkt), 30 minutes, for userinfo', async () => {
    const { access_token } = await myinfo.tokens();
    assert.equal(decodeProtectedHeader(access_token).typ, 'at+jwt');
    const claims = decodeJwt(access_token);
    assert.deepEqual(claims['cnf'], { jkt: await myinfo.jkt() });
    assert.equal(claims.exp! - claims.iat!, 1800);
    assert.equal(claims.aud, myinfo.url('/userinfo'));
  });
  test('Authorization: Bearer is refused (the token is DPoP-bound) → 401 invalid_token with a DPoP challenge', async () => {
    const { access_token } = await myinfo.tokens();
    const r = await myinfo.userinfo(access_token, { scheme: 'Bearer' });
    assert.equal(r.status, 401);
    assert.equal(r.body['error'], 'invalid_token');
    assert.match(r.headers.get('www-authenticate') ?? '', /^DPoP error="invalid_token"/);
  });
  test('no proof, no ath, a wrong ath, another key → 401 invalid_dpop_proof with WWW-Authenticate', async () => {
    const { access_token } = await myinfo.tokens();
    const cases: [string | null, RegExp][] = [
      [null, /is missing/],
      [await myinfo.proof('GET', myinfo.url('/userinfo')), /no "ath"/],
      [await myinfo.proof('GET', myinfo.url('/userinfo'), { claims: { ath: b64sha256('other') } }), /"ath" is not the hash/],
      [await myinfo.proof('GET', myinfo.url('/userinfo'), { accessToken: access_token, key: await ecKeyPair('ES256') }), /another key/],
    ];
    for (const [dpop, pattern] of cases) {
      const r = await myinfo.userinfo(access_token, { dpop });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.body['error'], 'invalid_dpop_proof');
      assert.match(r.body['error_description'] as string, pattern);
      assert.match(r.headers.get('www-authenticate') ?? '', /^DPoP error="invalid_dpop_proof"/);
    }
  });
  test('an unknown token → 401 invalid_token; a token in the query → 400 invalid_request', async () => {
    const r = await myinfo.userinfo('not-a-token');
    assert.equal(r.status, 401);
    assert.equal(r.body['error'], 'invalid_token');
    const q = await fetch(`${myinfo.url('/userinfo')}?access_token=x`);
    assert.equal(q.status, 400);
    assert.ok(q.headers.get('www-authenticate'));
  });
  test('exactly the requested items, A256GCM JWE to the RP key, JWS with iss, sub, aud, iat', async () => {
    const { access_token } = await myinfo.tokens({ scope: 'openid uinfin regadd' });
    const r = await myinfo.userinfo(access_token);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^application\/jwt/);
    const { header, payload } = await myinfo.open(r.text);
    assert.equal(header['enc'], 'A256GCM');
    assert.equal(header['kid'], myinfo.enc.kid);
    assert.deepEqual(Object.keys(payload['person_info'] as object).sort(), ['regadd', 'uinfin']);
    assert.equal(payload.sub, PERSONA.uuid);
    assert.equal(payload.aud, myinfo.client.id);
    assert.equal(payload.iss, myinfo.issuer);
    assert.ok(Number.isInteger(payload.iat));
  });
  test('a Login app has no userinfo → 403 insufficient_scope', async () => {
    const { access_token } = await login.tokens();
    const r = await login.userinfo(access_token);
    assert.equal(r.status, 403);
    assert.equal(r.body['error'], 'insufficient_scope');
  });
});

describe('lifetimes: request_uri and code live 60 s (here 1 s)', () => {
  let short: TestProvider;
  let rp: SingpassRp;
  before(async () => {
    short = await startProvider({ autoApprove: PERSONA.id, singpassLifetimes: { requestUri: 1, code: 1 } });
    rp = await SingpassRp.register(short, { appType: 'myinfo' });
  });
  after(() => short.close());

  test('an expired request_uri → error page; an expired code → invalid_grant', async () => {
    const { form } = await rp.parForm();
    const par = await rp.par(form);
    assert.equal(par.body['expires_in'], 1);
    await new Promise((r) => setTimeout(r, 1300));
    const expired = await rp.authorize(par.body['request_uri'] as string);
    assert.equal(expired.status, 400);
    assert.match(expired.html, /unknown, expired/);
    const c = await rp.code();
    await new Promise((r) => setTimeout(r, 1300));
    assertSingpassError(await rp.token(await rp.tokenForm(c.code, c.verifier)), 400, 'invalid_grant', /unknown or expired/);
  });
});

describe('--singpass-assertion-aud issuer', () => {
  test('only the issuer is an accepted aud', async () => {
    const strict = await startProvider({ autoApprove: PERSONA.id, singpassAssertionAud: 'issuer' });
    try {
      const rp = await SingpassRp.register(strict, { appType: 'myinfo' });
      const r = await parWith(rp, { client_assertion: await rp.assertion({ aud: rp.url('/par') }) });
      assertSingpassError(r, 401, 'invalid_client', /must be the issuer/);
      assert.equal((await parWith(rp, {})).status, 201);
    } finally {
      await strict.close();
    }
  });
});

test('token endpoint errors never carry WWW-Authenticate; an unsupported client auth mix is invalid_client', async () => {
  const r = await myinfo.post('/token', { grant_type: 'authorization_code', code: 'x', redirect_uri: RP_REDIRECT, code_verifier: 'v'.repeat(43), client_assertion_type: CLIENT_ASSERTION_TYPE }, { dpop: await myinfo.proof('POST', myinfo.url('/token')) });
  assertSingpassError(r, 401, 'invalid_client');
});
