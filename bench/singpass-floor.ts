/**
 * The provider's crypto floor for one Singpass FAPI 2.0 login: the private- and public-key
 * operations a provider cannot avoid, done the cheapest correct way Node offers (synchronous
 * node:crypto, the RP's signing key imported beforehand as a provider caches it), on inputs of
 * the sizes a real login has:
 *   - 5 ES256 verifications: the client assertions at PAR and token (cached key), the DPoP proofs
 *     at PAR, token and userinfo (each with its key imported from the proof's JWK: a new key per
 *     login, so the import is part of the verification);
 *   - 3 ES256 signatures: the access token, the ID token, the userinfo answer;
 *   - 2 ECDH-ES+A256KW encryptions to the RP's P-256 key: an ephemeral key, the ECDH, the Concat
 *     KDF, the key wrap, then A256CBC-HS512 (the ID token) and A256GCM (userinfo).
 * The provider's CPU per login (bench/index.ts, from /proc) is set beside this; target ≤ 2×.
 *
 * Run alone: `node scripts/run-ts.mjs bench/singpass-floor.ts [iterations] [rounds] [--json]`.
 */
import { createCipheriv, createECDH, createHash, createHmac, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';

export interface SingpassFloorResult {
  iterations: number;
  rounds: number;
  /** Median CPU ms of one login's crypto. */
  floorMsPerLogin: number;
  parts: { verifyMs: number; signMs: number; encryptMs: number };
}

const text = (n: number) => Buffer.from(randomBytes(Math.ceil((n * 3) / 4)).toString('base64url').slice(0, n));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

const rp = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const rpEncPoint = (() => {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
})();
const provider = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

// Signed inputs of a login's sizes, and their signatures, made once.
const assertionInput = text(340);
const assertionSig = sign('sha256', assertionInput, { key: rp.privateKey, dsaEncoding: 'ieee-p1363' });
const dpopKeys = Array.from({ length: 3 }, () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }));
const dpopJwks = dpopKeys.map((k) => k.publicKey.export({ format: 'jwk' }) as JsonWebKey);
const dpopInput = text(420);
const dpopSigs = dpopKeys.map((k) => sign('sha256', dpopInput, { key: k.privateKey, dsaEncoding: 'ieee-p1363' }));
const accessTokenInput = text(420);
const idTokenInput = text(560);
const userinfoInput = text(900);

function verifications(): void {
  for (let i = 0; i < 2; i++) if (!verify('sha256', assertionInput, { key: rp.publicKey, dsaEncoding: 'ieee-p1363' }, assertionSig)) throw new Error('verify');
  for (let i = 0; i < 3; i++) {
    const key = createPublicKey({ key: dpopJwks[i]!, format: 'jwk' });
    if (!verify('sha256', dpopInput, { key, dsaEncoding: 'ieee-p1363' }, dpopSigs[i]!)) throw new Error('verify');
  }
}

function signatures(): Buffer[] {
  return [accessTokenInput, idTokenInput, userinfoInput].map((input) => sign('sha256', input, { key: provider.privateKey, dsaEncoding: 'ieee-p1363' }));
}

function encryptTo(plaintext: Buffer, enc: 'A256CBC-HS512' | 'A256GCM'): Buffer {
  const e = createECDH('prime256v1');
  e.generateKeys();
  const z = e.computeSecret(rpEncPoint);
  const alg = 'ECDH-ES+A256KW';
  const kek = createHash('sha256').update(u32(1)).update(z).update(Buffer.concat([u32(alg.length), Buffer.from(alg), u32(0), u32(0), u32(256)])).digest();
  const cek = randomBytes(enc === 'A256GCM' ? 32 : 64);
  const w = createCipheriv('id-aes256-wrap', kek, Buffer.from('A6A6A6A6A6A6A6A6', 'hex'));
  const wrapped = Buffer.concat([w.update(cek), w.final()]);
  const aad = text(300);
  if (enc === 'A256GCM') {
    const c = createCipheriv('aes-256-gcm', cek, randomBytes(12));
    c.setAAD(aad);
    return Buffer.concat([wrapped, c.update(plaintext), c.final(), c.getAuthTag()]);
  }
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', cek.subarray(32), iv);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  const al = Buffer.alloc(8);
  al.writeBigUInt64BE(BigInt(aad.length * 8));
  return Buffer.concat([wrapped, ct, createHmac('sha512', cek.subarray(0, 32)).update(aad).update(iv).update(ct).update(al).digest().subarray(0, 32)]);
}

function encryptions(): void {
  encryptTo(idTokenInput, 'A256CBC-HS512');
  encryptTo(userinfoInput, 'A256GCM');
}

function cpuMs(fn: () => void, n: number): number {
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000 / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function measureSingpassFloor(iterations = 1000, rounds = 5): SingpassFloorResult {
  const all = () => {
    verifications();
    signatures();
    encryptions();
  };
  cpuMs(all, Math.min(200, iterations)); // warm-up
  const totals: number[] = [];
  const v: number[] = [];
  const s: number[] = [];
  const e: number[] = [];
  for (let r = 0; r < rounds; r++) {
    totals.push(cpuMs(all, iterations));
    v.push(cpuMs(verifications, iterations));
    s.push(cpuMs(signatures, iterations));
    e.push(cpuMs(encryptions, iterations));
  }
  return { iterations, rounds, floorMsPerLogin: median(totals), parts: { verifyMs: median(v), signMs: median(s), encryptMs: median(e) } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [iterations, rounds] = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
  const result = measureSingpassFloor(iterations || 1000, rounds || 5);
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    console.log(`Singpass provider crypto floor per FAPI login: ${result.floorMsPerLogin.toFixed(3)} ms CPU`);
    console.log(`  5 ES256 verifications (3 with the DPoP key's import): ${result.parts.verifyMs.toFixed(3)} ms`);
    console.log(`  3 ES256 signatures: ${result.parts.signMs.toFixed(3)} ms`);
    console.log(`  2 ECDH-ES+A256KW encryptions: ${result.parts.encryptMs.toFixed(3)} ms`);
  }
}
