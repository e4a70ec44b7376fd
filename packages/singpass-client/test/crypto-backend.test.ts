/**
 * The Node fast path and jose agree: every message jose makes for the algorithms Singpass uses
 * decrypts and verifies the same on both backends, what the fast path signs jose verifies, and
 * anything altered is refused by both. Then a whole login on the WebCrypto backend alone (what
 * browsers, edge runtimes and Deno without node:crypto run).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompactEncrypt, CompactSign, compactVerify, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { nodeCryptoBackend, isNodeCryptoModule } from '../src/crypto/node.ts';
import { webCryptoBackend } from '../src/crypto/webcrypto.ts';
import { selectCryptoBackend } from '../src/crypto/platform.ts';
import type { CryptoBackend, Curve, EcJwk } from '../src/crypto/backend.ts';
import { jsonSegment } from '../src/crypto/bytes.ts';
import { SingpassClient } from '../src/index.ts';
import { startFapiDouble } from './helpers/fapi-double.ts';
import * as nodeCrypto from 'node:crypto';

assert.ok(isNodeCryptoModule(nodeCrypto));
const backends: CryptoBackend[] = [nodeCryptoBackend(nodeCrypto), webCryptoBackend()];
const SIG: Record<Curve, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

async function ecKey(curve: Curve): Promise<EcJwk> {
  const { privateKey } = await generateKeyPair(SIG[curve], { extractable: true });
  return (await exportJWK(privateKey)) as EcJwk;
}

const plaintext = new TextEncoder().encode('header.payload.signature — ünïcödé');

describe('JWE decryption: Node fast path and jose agree', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    for (const alg of ['ECDH-ES+A256KW', 'ECDH-ES+A192KW', 'ECDH-ES+A128KW', 'ECDH-ES']) {
      for (const enc of ['A256CBC-HS512', 'A256GCM']) {
        it(`${curve} ${alg} ${enc}`, async () => {
          const jwk = await ecKey(curve);
          const { d: _d, ...pub } = jwk;
          const jwe = await new CompactEncrypt(plaintext)
            .setProtectedHeader({ alg, enc, kid: 'k', cty: 'JWT', apu: 'QWxpY2U', apv: 'Qm9i' })
            .encrypt(await importJWK(pub as JWK, alg));
          const header = jsonSegment(jwe.split('.')[0]!);
          for (const backend of backends) {
            const d = await backend.decrypter(jwk);
            const result = d.decrypt(jwe, header);
            // The Node backend answers synchronously only from its fast path (jose is async).
            if (backend.name === 'node-crypto') assert.ok(!(result instanceof Promise), 'decrypted on the fast path');
            assert.deepEqual(new Uint8Array(await result), plaintext, backend.name);
          }
        });
      }
    }
  }

  it('refuses an altered ciphertext, tag, encrypted key or epk on both backends', async () => {
    const jwk = await ecKey('P-256');
    const { d: _d, ...pub } = jwk;
    for (const enc of ['A256CBC-HS512', 'A256GCM']) {
      const jwe = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc }).encrypt(await importJWK(pub as JWK, 'ECDH-ES+A256KW'));
      const parts = jwe.split('.');
      const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
      const other = await ecKey('P-256');
      const header = jsonSegment(parts[0]!);
      const variants = [
        [parts[0], parts[1], parts[2], flip(parts[3]!), parts[4]],
        [parts[0], parts[1], parts[2], parts[3], flip(parts[4]!)],
        [parts[0], flip(parts[1]!), parts[2], parts[3], parts[4]],
      ].map((p) => [p.join('.'), header] as const);
      // Another epk: the protected header (the AAD) changes too, so the tag fails.
      const otherEpk = { ...header, epk: { kty: 'EC', crv: 'P-256', x: other.x, y: other.y } };
      variants.push([[Buffer.from(JSON.stringify(otherEpk)).toString('base64url'), ...parts.slice(1)].join('.'), otherEpk]);
      // A point not on the curve.
      const offCurve = { ...header, epk: { kty: 'EC', crv: 'P-256', x: other.x, y: other.x } };
      variants.push([[Buffer.from(JSON.stringify(offCurve)).toString('base64url'), ...parts.slice(1)].join('.'), offCurve]);
      for (const backend of backends) {
        const d = await backend.decrypter(jwk);
        for (const [bad, h] of variants) await assert.rejects(async () => d.decrypt(bad, h), `${backend.name} ${enc}`);
      }
    }
  });
});

describe('JWS: Node fast path and jose agree', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    it(`${SIG[curve]}: each backend verifies the other's signatures and refuses altered ones`, async () => {
      const jwk = await ecKey(curve);
      const { d: _d, ...pub } = jwk;
      const alg = SIG[curve] as 'ES256';
      for (const signing of backends) {
        const jws = await (await signing.signer(jwk, alg)).sign({ typ: 'JWT', kid: 'k' }, { sub: 'x', n: 1 });
        const { protectedHeader } = await compactVerify(jws, await importJWK(pub as JWK, alg));
        assert.equal(protectedHeader.alg, alg);
        for (const verifying of backends) {
          const v = await verifying.verifier(pub as EcJwk, alg);
          const verdict = v.verify(jws);
          if (verifying.name === 'node-crypto') assert.equal(verdict, true, 'verified on the fast path');
          assert.equal(await verdict, true, `${signing.name} → ${verifying.name}`);
          const [h, p, s] = jws.split('.');
          assert.equal(await v.verify(`${h}.${Buffer.from('{"sub":"y"}').toString('base64url')}.${s}`), false);
          assert.equal(await v.verify(`${h}.${p}.${s!.slice(0, -4)}AAAA`), false);
        }
      }
      const joseSigned = await new CompactSign(new TextEncoder().encode('{}')).setProtectedHeader({ alg }).sign(await importJWK(jwk as JWK, alg));
      for (const verifying of backends) assert.equal(await (await verifying.verifier(pub as EcJwk, alg)).verify(joseSigned), true);
    });
  }

  it('makes DPoP keys whose JWK signs and verifies on the other backend', async () => {
    for (const a of backends) {
      const { jwk, signer } = await a.generateDpopKey();
      assert.deepEqual([jwk.kty, jwk.crv, typeof jwk.d], ['EC', 'P-256', 'string']);
      const jws = await signer.sign({ typ: 'dpop+jwt' }, { htm: 'POST' });
      for (const b of backends) {
        assert.equal(await (await b.verifier(jwk, 'ES256')).verify(jws), true);
        const again = await (await b.signer(jwk, 'ES256')).sign({}, {});
        assert.equal(await (await a.verifier(jwk, 'ES256')).verify(again), true);
      }
    }
  });
});

describe('a whole login on the WebCrypto backend', () => {
  it('logs in to a Myinfo app', async () => {
    const previous = selectCryptoBackend('webcrypto');
    assert.equal(previous.name, 'webcrypto');
    const double = await startFapiDouble({ appType: 'myinfo' });
    try {
      const client = new SingpassClient({ issuer: double.issuer, clientId: double.clientId, keys: double.clientKeys, redirectUri: double.redirectUri, appType: 'myinfo', allowHttpLoopback: true });
      const { url, session } = await client.authorizationUrl();
      const tokens = await client.callback(await double.approve(url), session);
      const { personInfo } = await client.userinfo(tokens);
      assert.deepEqual(personInfo, double.personInfo);
      double.hooks = { idTokenSign: { key: double.attacker } };
      const again = await client.authorizationUrl();
      await assert.rejects(client.callback(await double.approve(again.url), again.session), { code: 'ERR_ID_TOKEN_SIGNATURE' });
    } finally {
      selectCryptoBackend('auto');
      await double.close();
    }
  });
});
