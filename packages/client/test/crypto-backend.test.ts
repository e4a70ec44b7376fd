/**
 * The crypto backends (src/crypto/): Node's `crypto` module (picked on Node ≥ 20.16) and
 * WebCrypto (browsers, edge runtimes) decrypt and verify the same messages, the hand-parsed fast
 * path refuses what jose refuses, and unusual messages fall back to jose with the same errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { CompactEncrypt, SignJWT, exportJWK, importSPKI } from 'jose';
import { encryptUserinfo } from 'sgid-protocol';
import { decodeBase64url, decodeBase64urlPortable } from '../src/crypto/base64url.ts';
import type { CryptoBackend } from '../src/crypto/backend.ts';
import { nodeCryptoBackend, isNodeCryptoModule } from '../src/crypto/node.ts';
import { webCryptoBackend } from '../src/crypto/webcrypto.ts';
import { cryptoBackend } from '../src/crypto/platform.ts';
import { decryptUserinfoData } from '../src/decrypt.ts';
import { PrivateKeyCache } from '../src/keys.ts';
import { JwksCache } from '../src/jwks.ts';
import { validateIdToken } from '../src/id-token.ts';
import { SgidError } from '../src/errors.ts';

const nodeCrypto = process.getBuiltinModule?.('crypto');
const backends: CryptoBackend[] = [webCryptoBackend(), ...(isNodeCryptoModule(nodeCrypto) ? [nodeCryptoBackend(nodeCrypto)] : [])];

const clientKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = clientKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const spki = clientKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const values = { 'myinfo.name': 'Tan Ah Kow 陈', 'myinfo.email': 'ahkow@example.com' };
const enc = new TextEncoder();

const code = (c: string) => (e: unknown) => e instanceof SgidError && e.code === c;

test('on Node the automatic backend is node-crypto', () => {
  if (typeof process.getBuiltinModule === 'function') assert.equal(cryptoBackend().name, 'node-crypto');
  assert.equal(backends.length, typeof process.getBuiltinModule === 'function' ? 2 : 1);
});

test('base64url: the native and portable decoders agree and are strict', () => {
  for (let n = 0; n < 120; n++) {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    const s = Buffer.from(bytes).toString('base64url');
    assert.deepEqual(new Uint8Array(decodeBase64url(s)), bytes);
    assert.deepEqual(decodeBase64urlPortable(s), bytes);
  }
  for (const bad of ['a', 'ab=c', 'ab+c', 'ab/c', 'ab c', 'AA\u00c1', 'A'.repeat(60) + '+AAA', 'A'.repeat(61), 'A'.repeat(60) + '=']) {
    assert.throws(() => decodeBase64url(bad), TypeError, bad);
    assert.throws(() => decodeBase64urlPortable(bad), TypeError, bad);
  }
});

for (const backend of backends) {
  test(`${backend.name}: our provider's userinfo (RSA-OAEP-256 + A256GCM, A128GCMKW + A128GCM)`, async () => {
    const { key, data } = await encryptUserinfo(values, await importSPKI(spki, 'RSA-OAEP-256'));
    assert.deepEqual(await decryptUserinfoData(key, data, new PrivateKeyCache(pkcs8, backend)), values);
  });

  test(`${backend.name}: MockPass's userinfo (RSA-OAEP + A128CBC-HS256, dir + A256GCM)`, async () => {
    const blockKey = crypto.getRandomValues(new Uint8Array(32));
    const jwk = JSON.stringify({ kty: 'oct', k: Buffer.from(blockKey).toString('base64url') });
    const key = await new CompactEncrypt(enc.encode(jwk)).setProtectedHeader({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256' }).encrypt(await importSPKI(spki, 'RSA-OAEP'));
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) data[k] = await new CompactEncrypt(enc.encode(v)).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(blockKey);
    assert.deepEqual(await decryptUserinfoData(key, data, new PrivateKeyCache(pkcs8, backend)), values);
  });

  test(`${backend.name}: altered or unusual messages give the same errors as before`, async () => {
    const { key, data } = await encryptUserinfo(values, await importSPKI(spki, 'RSA-OAEP-256'));
    const keys = new PrivateKeyCache(pkcs8, backend);
    const bend = (jwe: string, i: number, f: (s: string) => string) => jwe.split('.').map((p, j) => (j === i ? f(p) : p)).join('.');
    // a truncated tag (node:crypto alone would accept a 4-byte tag)
    await assert.rejects(decryptUserinfoData(key, { ...data, 'myinfo.name': bend(data['myinfo.name']!, 4, (t) => t.slice(0, 6)) }, keys), code('ERR_DECRYPT_PAYLOAD'));
    await assert.rejects(decryptUserinfoData(bend(key, 4, (t) => t.slice(0, 6)), data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    // altered ciphertext, encrypted key, AAD (protected header)
    await assert.rejects(decryptUserinfoData(key, { ...data, 'myinfo.name': bend(data['myinfo.name']!, 3, (c) => (c[0] === 'A' ? 'B' : 'A') + c.slice(1)) }, keys), code('ERR_DECRYPT_PAYLOAD'));
    await assert.rejects(decryptUserinfoData(bend(key, 1, (c) => (c[0] === 'A' ? 'B' : 'A') + c.slice(1)), data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    const header = JSON.parse(Buffer.from(key.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    const withHeader = (h: Record<string, unknown>) => bend(key, 0, () => Buffer.from(JSON.stringify(h)).toString('base64url'));
    await assert.rejects(decryptUserinfoData(withHeader({ ...header, kid: 'x' }), data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    await assert.rejects(decryptUserinfoData(withHeader({ ...header, crit: ['x'], x: 1 }), data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    await assert.rejects(decryptUserinfoData(withHeader({ ...header, alg: 'RSA1_5' }), data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    await assert.rejects(decryptUserinfoData(key.slice(0, -1) + '+', data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    await assert.rejects(decryptUserinfoData('not.a.jwe', data, keys), code('ERR_DECRYPT_BLOCK_KEY'));
    await assert.rejects(decryptUserinfoData(key, { ...data, x: 42 }, keys), code('ERR_DECRYPT_PAYLOAD'));
    await assert.rejects(decryptUserinfoData(key, data, new PrivateKeyCache('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', backend)), code('ERR_PRIVATE_KEY_IMPORT'));
    // still decrypts after all that
    assert.deepEqual(await decryptUserinfoData(key, data, keys), values);
  });

  test(`${backend.name}: ID token signature, by kid, fast path and jose agree`, async () => {
    const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'k1', use: 'sig', alg: 'RS256' };
    const jwks = new JwksCache('http://p.invalid/v2/.well-known/jwks.json', { fetch: async () => Response.json({ keys: [jwk] }), timeout: 1000 }, backend);
    const now = Math.floor(Date.now() / 1000);
    const sign = (header: Record<string, unknown> = {}) =>
      new SignJWT({ nonce: 'n' }).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).setIssuer('http://p.invalid/v2').setSubject('s').setAudience('c').setIssuedAt(now).setExpirationTime(now + 60).sign(signing.privateKey);
    const expected = { issuer: 'http://p.invalid/v2', clientId: 'c', nonce: 'n', clockTolerance: 0 };
    assert.equal((await validateIdToken(await sign(), expected, jwks)).sub, 's');
    const token = await sign();
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = (s[10] === 'A' ? 'B' : 'A');
    await assert.rejects(validateIdToken(`${h}.${p}.${s.slice(0, 10)}${flipped}${s.slice(11)}`, expected, jwks), code('ERR_ID_TOKEN_SIGNATURE'));
    await assert.rejects(validateIdToken(`${h}.${p}.${s}=`, expected, jwks), code('ERR_ID_TOKEN_SIGNATURE'));
    await assert.rejects(validateIdToken(`${h}.${p}.`, expected, jwks), code('ERR_ID_TOKEN_SIGNATURE'));
    // a validly signed token with a critical extension nobody understands: refused (by jose)
    const critHeader = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k1', crit: ['x-ext'], 'x-ext': 1 })).toString('base64url');
    const critSig = rsaSign('sha256', Buffer.from(`${critHeader}.${p}`), signing.privateKey).toString('base64url');
    await assert.rejects(validateIdToken(`${critHeader}.${p}.${critSig}`, expected, jwks), code('ERR_ID_TOKEN_SIGNATURE'));
  });

  test(`${backend.name}: JWKS peek answers only for a fetched, imported, unambiguous key`, async () => {
    const jwkOf = async (kid: string) => ({ ...(await exportJWK(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)), kid, use: 'sig', alg: 'RS256' });
    const keys = [await jwkOf('k1'), await jwkOf('k2')];
    const jwks = new JwksCache('http://p.invalid/v2/.well-known/jwks.json', { fetch: async () => Response.json({ keys }), timeout: 1000 }, backend);
    assert.equal(jwks.peek('k1'), undefined, 'nothing fetched yet');
    const k1 = await jwks.getKey('k1');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(jwks.peek('k1'), k1);
    assert.equal(jwks.peek('k2'), undefined, 'fetched but not imported yet');
    assert.equal(jwks.peek('k3'), undefined, 'unknown kid: getKey decides (refetch or error)');
    assert.equal(jwks.peek(undefined), undefined, 'no kid and two keys: getKey reports the ambiguity');
    await assert.rejects(jwks.getKey(undefined), code('ERR_JWKS_NO_MATCHING_KEY'));
    assert.equal(jwks.fetchCount, 1);
  });
}
