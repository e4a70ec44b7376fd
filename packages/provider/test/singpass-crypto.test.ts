/**
 * The provider's hand-made JOSE for Singpass (node:crypto, for speed) read by an independent
 * implementation: jose decrypts every JWE (each curve, each key wrap, both content
 * encryptions) and verifies every JWS; the provider's verifier accepts jose's signatures and
 * refuses tampered ones; thumbprints equal jose's.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { describe, test } from 'node:test';
import { SignJWT, calculateJwkThumbprint, compactDecrypt, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import type { SingpassCurve, SingpassKeyWrapAlg, SingpassSigningAlg } from 'sgid-protocol';
import { encryptCompact, jweRecipient } from '../src/singpass/crypto/jwe.js';
import { ecThumbprint, importEcPublicJwk } from '../src/singpass/crypto/jwk.js';
import type { EcPublicJwk } from '../src/singpass/crypto/jwk.js';
import { parseCompactJws, signEs256, verifyEcdsa } from '../src/singpass/crypto/jws.js';

const CURVES: SingpassCurve[] = ['P-256', 'P-384', 'P-521'];
const WRAPS: SingpassKeyWrapAlg[] = ['ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];

async function ecdhKey(crv: SingpassCurve) {
  const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { crv, extractable: true });
  return { privateKey, publicJwk: (await exportJWK(publicKey)) as EcPublicJwk };
}

describe('JWE to a relying party (ECDH-ES + AES key wrap)', () => {
  for (const crv of CURVES) {
    for (const alg of WRAPS) {
      for (const enc of ['A256CBC-HS512', 'A256GCM'] as const) {
        test(`${crv} ${alg} ${enc}: jose decrypts it; the header names alg, enc, kid, cty and an epk on the curve`, async () => {
          const { privateKey, publicJwk } = await ecdhKey(crv);
          const message = `ünïcode payload ${crv} ${alg} ${enc} ${'x'.repeat(100)}`;
          const jwe = encryptCompact(message, jweRecipient(publicJwk, 'rp-enc-1', alg), enc, 'JWT');
          const { plaintext, protectedHeader } = await compactDecrypt(jwe, privateKey, { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] });
          assert.equal(new TextDecoder().decode(plaintext), message);
          assert.equal(protectedHeader.alg, alg);
          assert.equal(protectedHeader.enc, enc);
          assert.equal(protectedHeader.kid, 'rp-enc-1');
          assert.equal(protectedHeader.cty, 'JWT');
          assert.equal((protectedHeader.epk as JWK | undefined)?.crv, crv);
        });
      }
    }
  }

  test('a fresh ephemeral key and IV every time; a flipped ciphertext byte does not decrypt', async () => {
    const { privateKey, publicJwk } = await ecdhKey('P-256');
    const to = jweRecipient(publicJwk, 'k', 'ECDH-ES+A256KW');
    const a = encryptCompact('same', to, 'A256CBC-HS512');
    const b = encryptCompact('same', to, 'A256CBC-HS512');
    assert.notEqual((decodeProtectedHeader(a).epk as JWK).x, (decodeProtectedHeader(b).epk as JWK).x);
    assert.notEqual(a.split('.')[2], b.split('.')[2]);
    const parts = a.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    await assert.rejects(compactDecrypt(parts.join('.'), privateKey));
  });
});

describe('ES256 JWS', () => {
  test('signEs256: jose verifies it with the public key; the header carries alg, kid, typ', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const node = createPrivateKey({ key: (await exportJWK(privateKey)) as JsonWebKey, format: 'jwk' });
    const token = signEs256({ kid: 'sp-1', typ: 'JWT' }, { sub: 'x', n: 1 }, node);
    const { payload, protectedHeader } = await compactVerify(token, publicKey);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), { sub: 'x', n: 1 });
    assert.deepEqual(protectedHeader, { kid: 'sp-1', typ: 'JWT', alg: 'ES256' });
  });

  for (const alg of ['ES256', 'ES384', 'ES512'] as SingpassSigningAlg[]) {
    test(`verifyEcdsa ${alg}: accepts jose's signature, refuses a changed payload, another key, a truncated signature`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      const other = await generateKeyPair(alg, { extractable: true });
      const token = await new SignJWT({ jti: 'a' }).setProtectedHeader({ alg, typ: 'dpop+jwt' }).sign(privateKey);
      const parsed = parseCompactJws(token);
      const key = importEcPublicJwk((await exportJWK(publicKey)) as EcPublicJwk);
      assert.equal(verifyEcdsa(alg, key, parsed.signingInput, parsed.signature), true);
      assert.equal(verifyEcdsa(alg, key, `${parsed.signingInput}x`, parsed.signature), false);
      assert.equal(verifyEcdsa(alg, importEcPublicJwk((await exportJWK(other.publicKey)) as EcPublicJwk), parsed.signingInput, parsed.signature), false);
      assert.equal(verifyEcdsa(alg, key, parsed.signingInput, parsed.signature.subarray(1)), false);
    });
  }

  test('parseCompactJws refuses what is not a compact JWS of JSON objects, saying why', () => {
    assert.throws(() => parseCompactJws('a.b'), /2 segments, expected 3/);
    assert.throws(() => parseCompactJws('a.b.c.d.e'), /it is a JWE/);
    assert.throws(() => parseCompactJws('a+b.c.d'), /base64url/);
    assert.throws(() => parseCompactJws('.e30.c2ln'), /base64url/);
    assert.throws(() => parseCompactJws(`${Buffer.from('[1]').toString('base64url')}.e30.c2ln`), /header that is not a base64url JSON object/);
    assert.throws(() => parseCompactJws(`e30.${Buffer.from('"x"').toString('base64url')}.c2ln`), /payload that is not/);
  });
});

test('thumbprints equal jose calculateJwkThumbprint on every curve', async () => {
  for (const crv of CURVES) {
    const { publicJwk } = await ecdhKey(crv);
    assert.equal(ecThumbprint(publicJwk), await calculateJwkThumbprint(publicJwk as JWK, 'sha256'));
  }
});
