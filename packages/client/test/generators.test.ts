import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import * as ours from 'sgid-client';
import { sha256 } from '../src/sha256.ts';

const require = createRequire(import.meta.url);
const official = require('@opengovsg/sgid-client') as typeof import('@opengovsg/sgid-client');

test('exports every name the official SDK exports (runtime values)', () => {
  for (const name of Object.keys(official)) {
    assert.ok(name in ours, `missing export ${name}`);
    assert.equal(typeof (ours as Record<string, unknown>)[name], typeof (official as Record<string, unknown>)[name], name);
  }
  assert.equal(ours.default, ours.SgidClient);
});

test('sha256 matches node:crypto for many lengths', () => {
  for (let n = 0; n < 300; n += 7) {
    const input = randomBytes(n);
    assert.deepEqual(Buffer.from(sha256(input)), createHash('sha256').update(input).digest());
  }
  assert.deepEqual(Buffer.from(sha256('héllo')), createHash('sha256').update('héllo').digest());
});

test('generateCodeChallenge equals the official one (synchronous, S256)', () => {
  for (let i = 0; i < 20; i++) {
    const v = ours.generateCodeVerifier(43 + i * 4);
    assert.equal(ours.generateCodeChallenge(v), official.generateCodeChallenge(v));
  }
});

test('generatePkcePair / generateCodeVerifier: lengths, charset, errors with the official messages', () => {
  const pair = ours.generatePkcePair();
  assert.equal(pair.codeVerifier.length, 43);
  assert.match(pair.codeVerifier, /^[A-Za-z0-9_-]+$/);
  assert.equal(pair.codeChallenge, official.generateCodeChallenge(pair.codeVerifier));
  assert.equal(ours.generatePkcePair(128).codeVerifier.length, 128);
  for (const bad of [42, 129, 0]) {
    assert.throws(() => ours.generatePkcePair(bad), (e: ours.SgidError) => {
      assert.throws(() => official.generatePkcePair(bad), { message: e.message });
      return e.code === 'ERR_PKCE_PAIR_LENGTH' && e instanceof ours.SgidConfigError;
    });
    assert.throws(() => ours.generateCodeVerifier(bad), (e: ours.SgidError) => {
      assert.throws(() => official.generateCodeVerifier(bad), { message: e.message });
      return e.code === 'ERR_CODE_VERIFIER_LENGTH';
    });
  }
});

test('generateNonce: base64url of numBytes random bytes, like the official', () => {
  assert.equal(ours.generateNonce().length, official.generateNonce().length);
  assert.equal(ours.generateNonce(16).length, official.generateNonce(16).length);
  assert.notEqual(ours.generateNonce(), ours.generateNonce());
});

test('convertPkcs1ToPkcs8 gives the official output byte for byte (no node-rsa, no Node API)', () => {
  for (let i = 0; i < 3; i++) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: i === 2 ? 4096 : 2048 });
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    assert.equal(ours.convertPkcs1ToPkcs8(pkcs1), official.convertPkcs1ToPkcs8(pkcs1));
  }
  assert.throws(() => ours.convertPkcs1ToPkcs8('not a key'), { code: 'ERR_PRIVATE_KEY_IMPORT' });
});

test('util helpers behave like the official ones', () => {
  for (const s of ['[1]', '{"a":1}', 'abc', '[', '[x]', '']) {
    assert.equal(ours.isStringifiedArrayOrObject(s), official.isStringifiedArrayOrObject(s));
    assert.deepEqual(ours.safeJsonParse(s), official.safeJsonParse(s));
  }
  for (const v of [{}, { a: 'b' }, { a: 1 }, [], null, 'x']) assert.equal(ours.isSgidUserinfoObject(v), official.isSgidUserinfoObject(v));
  for (const v of ['', 'a', 1, null]) assert.equal(ours.isNonEmptyString(v), official.isNonEmptyString(v));
});

test('parseData: official shape by default, typed values, booleans when asked', () => {
  const data = {
    'myinfo.name': 'Tan',
    'myinfo.vehicles': '[{"vehicle_number":"SBA1234A"}]',
    'myinfo.is_age_above_18': 'true',
    'myinfo.is_age_above_21': 'NA',
    'custom.obj': '{"a":1}',
    'custom.bad': '[not json]',
  };
  const client = new ours.SgidClient({ clientId: 'c', clientSecret: 's', privateKey: 'x' });
  const officialClient = new official.SgidClient({ clientId: 'c', clientSecret: 's', privateKey: 'x' });
  const parsed = client.parseData(data);
  assert.deepEqual(parsed, officialClient.parseData(data));
  // Typed: an array of records, usable without casts.
  const vehicles: ours.SgidVehicle[] | undefined = parsed['myinfo.vehicles'];
  assert.equal(vehicles?.[0]?.vehicle_number, 'SBA1234A');
  const name: string | undefined = parsed['myinfo.name'];
  assert.equal(name, 'Tan');
  // Still assignable to the official return type.
  const asOfficial: Record<string, ours.ParsedSgidDataValue> = parsed;
  assert.ok(asOfficial);
  const withBooleans = client.parseData(data, { booleans: true });
  const adult: boolean | undefined = withBooleans['myinfo.is_age_above_18'];
  assert.equal(adult, true);
  assert.equal(withBooleans['myinfo.is_age_above_21'], false);
  assert.throws(() => client.parseData({ a: 1 }), (e: ours.SgidError) => {
    assert.throws(() => officialClient.parseData({ a: 1 }), { message: e.message });
    return e.code === 'ERR_INVALID_USERINFO_DATA';
  });
});
