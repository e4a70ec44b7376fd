/**
 * The provider's per-login crypto runs on synchronous node:crypto (WebCrypto on Node costs
 * ~60-70 µs per call in overhead). These tests check that what it produces is exactly what
 * jose would accept: the ID token verifies with jwtVerify against the JWKS, and every JWE of
 * the userinfo decrypts with compactDecrypt (RSA-OAEP-256 + A256GCM for the block key,
 * A128GCMKW + A128GCM for each value).
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { compactDecrypt, createLocalJWKSet, decodeJwt, decodeProtectedHeader, importJWK, importPKCS8, jwtVerify } from 'jose';
import { SCOPES, decryptUserinfo } from 'sgid-protocol';
import { loadConfig } from '../src/config.js';
import type { ProviderContext } from '../src/context.js';
import { openContext } from '../src/provider.js';
import { issueIdToken } from '../src/relay/id-token.js';
import { createMemoryStore } from '../src/store/memory/index.js';
import type { ClientRecord } from '../src/store/types.js';
import { encryptUserinfoNode } from '../src/wallet/encrypt.js';
import { grantFor } from '../src/login/grant.js';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { TestClock } from './helpers/clock.js';
import { DEFAULT_PERSONA_ON_2025_03_10 } from './helpers/expected-values.js';

const decoder = new TextDecoder();
const ALL_SCOPES = SCOPES.map((s) => s.scope);

function rsaPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey,
  };
}

function clientWith(publicKey: string, id = 'fast-crypto-client'): ClientRecord {
  return { id, secretHash: '', name: 'Fast crypto', description: '', scopes: ALL_SCOPES, redirectUris: [], publicKey, createdAt: 0, updatedAt: 0 };
}

/** Decrypts with jose only, checking each JWE's protected header on the way. */
async function joseDecrypt(encrypted: { key: string; data: Record<string, string> }, privatePem: string): Promise<Record<string, string>> {
  assert.deepEqual(decodeProtectedHeader(encrypted.key), { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
  const { plaintext } = await compactDecrypt(encrypted.key, await importPKCS8(privatePem, 'RSA-OAEP-256'));
  const jwk = JSON.parse(decoder.decode(plaintext)) as { kty: string; alg: string; k: string };
  assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'k', 'kty']);
  assert.equal(jwk.kty, 'oct');
  assert.equal(jwk.alg, 'A128GCM');
  assert.equal(Buffer.from(jwk.k, 'base64url').length, 16);
  const blockKey = await importJWK(jwk);
  const out: Record<string, string> = {};
  for (const [scope, jwe] of Object.entries(encrypted.data)) {
    const header = decodeProtectedHeader(jwe);
    assert.deepEqual(Object.keys(header).sort(), ['alg', 'enc', 'iv', 'tag']);
    assert.equal(header.alg, 'A128GCMKW');
    assert.equal(header.enc, 'A128GCM');
    const parts = jwe.split('.');
    assert.equal(parts.length, 5);
    assert.equal(Buffer.from(parts[1]!, 'base64url').length, 16, 'wrapped CEK is 128 bits');
    assert.equal(Buffer.from(parts[2]!, 'base64url').length, 12, 'IV is 96 bits');
    out[scope] = decoder.decode((await compactDecrypt(jwe, blockKey)).plaintext);
  }
  return out;
}

describe('fast (node:crypto) per-login crypto', () => {
  let ctx: ProviderContext;
  const client = rsaPair();
  // Noon on 10 March 2025 in Singapore, for the whole file: exact times and literal values.
  const clock = new TestClock('2025-03-10T04:00:00.250Z');
  const persona = builtInPersonas(new Date(clock.now()))[0]!;

  before(async () => {
    const config = loadConfig({}, {}, { data: ':memory:', logLevel: 'silent', host: '127.0.0.1', publicUrl: 'http://127.0.0.1:5999', port: 5999 });
    ctx = await openContext(config, createMemoryStore({ now: clock.now }), { now: clock.now });
  });
  after(() => ctx.store.close());

  test('ID token verifies with jose jwtVerify against the JWKS; claims and header as before', async () => {
    const jwks = createLocalJWKSet(JSON.parse(await ctx.keys.jwks()));
    const { kid } = await ctx.keys.active();
    for (const nonce of ['n-0S6_WzA2Mj', undefined]) {
      const { token } = await issueIdToken(ctx, { sub: 'pairwise-sub', clientId: 'client-1', ...(nonce !== undefined ? { nonce } : {}) });
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: ctx.config.issuer, audience: 'client-1', algorithms: ['RS256'], currentDate: new Date(clock.now()) });
      assert.deepEqual(protectedHeader, { alg: 'RS256', kid, typ: 'JWT' });
      assert.deepEqual(Object.keys(payload).sort(), nonce !== undefined ? ['aud', 'exp', 'iat', 'iss', 'nonce', 'sub'] : ['aud', 'exp', 'iat', 'iss', 'sub']);
      assert.equal(payload.sub, 'pairwise-sub');
      assert.equal(payload.aud, 'client-1', 'aud is a string, not an array');
      assert.equal(payload.nonce, nonce);
      assert.equal(payload.iat, Date.parse('2025-03-10T04:00:00Z') / 1000, 'iat: the provider clock, in whole seconds');
      assert.equal(payload.exp, payload.iat! + 3600, 'exp: iat + the default --token-ttl (3600 s)');
      assert.deepEqual(decodeJwt(token), payload);
    }
  });

  test('a tampered ID token does not verify', async () => {
    const jwks = createLocalJWKSet(JSON.parse(await ctx.keys.jwks()));
    const { token } = await issueIdToken(ctx, { sub: 's', clientId: 'c' });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: 'other' })).toString('base64url');
    await assert.rejects(jwtVerify(`${h}.${forged}.${s}`, jwks, { currentDate: new Date(clock.now()) }), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  test('grantFor: every scope decrypts with jose compactDecrypt to the released values', async () => {
    const rec = clientWith(client.publicPem);
    const grant = await grantFor(ctx, rec, persona, ALL_SCOPES);
    assert.ok(grant.encrypted);
    const expected = DEFAULT_PERSONA_ON_2025_03_10;
    assert.equal(persona.id, 'S8534127H');
    assert.deepEqual(Object.keys(expected).sort(), ALL_SCOPES.filter((s) => s !== 'openid').sort(), 'the fixture covers the catalog');
    assert.deepEqual(await joseDecrypt(grant.encrypted, client.privatePem), expected);
    // And with sgid-protocol's runtime-neutral decryptUserinfo (what the SDK side uses).
    const priv = await importPKCS8(client.privatePem, 'RSA-OAEP-256');
    assert.deepEqual(await decryptUserinfo(grant.encrypted, () => priv), expected);
  });

  test('encryptUserinfoNode: empty, unicode and long values; fresh keys and IVs each time', async () => {
    const values = { a: '', b: 'Tan Ah Kow 陈亚九 — ñ 🙂', c: 'x'.repeat(10_000), 'myinfo.registered_address': '102 BEDOK NORTH AVENUE 4\n#09-128' };
    const one = encryptUserinfoNode(values, client.publicKey);
    const two = encryptUserinfoNode(values, client.publicKey);
    assert.deepEqual(await joseDecrypt(one, client.privatePem), values);
    assert.deepEqual(await joseDecrypt(two, client.privatePem), values);
    assert.notEqual(one.key, two.key);
    for (const k of Object.keys(values)) assert.notEqual(one.data[k], two.data[k]);
    const ivs = new Set(Object.values(one.data).map((jwe) => jwe.split('.')[2]));
    assert.equal(ivs.size, Object.keys(values).length);
  });

  test('the header is authenticated (AAD): a changed protected header fails to decrypt', async () => {
    const enc = encryptUserinfoNode({ s: 'secret' }, client.publicKey);
    const jwe = enc.data.s!;
    const [h, ...rest] = jwe.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, string>;
    const changed = Buffer.from(JSON.stringify({ ...header, kid: 'x' })).toString('base64url');
    const { plaintext } = await compactDecrypt(enc.key, await importPKCS8(client.privatePem, 'RSA-OAEP-256'));
    const blockKey = await importJWK(JSON.parse(decoder.decode(plaintext)));
    await assert.rejects(compactDecrypt([changed, ...rest].join('.'), blockKey));
  });

  test('the client key cache follows a changed public key', async () => {
    const other = rsaPair();
    const id = 'rotating-client';
    const first = await grantFor(ctx, clientWith(client.publicPem, id), persona, ['openid', 'myinfo.name']);
    const second = await grantFor(ctx, clientWith(other.publicPem, id), persona, ['openid', 'myinfo.name']);
    assert.ok(first.encrypted && second.encrypted);
    const name = 'Lim Jun Hao';
    assert.equal((await joseDecrypt(first.encrypted, client.privatePem))['myinfo.name'], name);
    assert.equal((await joseDecrypt(second.encrypted, other.privatePem))['myinfo.name'], name);
    await assert.rejects(joseDecrypt(second.encrypted, client.privatePem));
  });
});
