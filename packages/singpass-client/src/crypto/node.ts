/**
 * The backend on runtimes that expose Node's `crypto` module: its synchronous primitives for
 * exactly what a Singpass login does — ES256/384/512 signatures and verifications, ECDH-ES(+A*KW)
 * key agreement (RFC 7518 §4.6) with A256CBC-HS512 or A256GCM content. The module comes from
 * `process.getBuiltinModule` (./platform.ts), never from an import, so bundles stay
 * runtime-neutral. A message this path does not handle, or that fails on it, goes to jose
 * (./webcrypto.ts), which decides: the fast path can only ever accept what jose accepts.
 */
import {
  CONTENT_KEY_BYTES,
  FIELD_BYTES,
  KEY_AGREEMENT_BITS,
  type CryptoBackend,
  type Curve,
  type EcJwk,
  type JweDecrypter,
  type JwsSigner,
  type JwsVerifier,
  type SigningAlg,
} from './backend.js';
import { ascii, b64u, b64uText, concat, equalBytes, fromB64u, uint32be, utf8 } from './bytes.js';
import { joseDecrypterFor, joseVerifierFor } from './webcrypto.js';

/** The part of Node's `crypto` module used here (the SDK is built without Node's types). */
export interface NodeCryptoModule {
  createPrivateKey(options: { key: object; format: 'jwk' }): NodeKeyObject;
  createPublicKey(options: { key: object; format: 'jwk' }): NodeKeyObject;
  generateKeyPairSync(type: 'ec', options: { namedCurve: string }): { privateKey: NodeKeyObject };
  sign(algorithm: string, data: Uint8Array, key: { key: NodeKeyObject; dsaEncoding: 'ieee-p1363' }): Uint8Array;
  verify(algorithm: string, data: Uint8Array, key: { key: NodeKeyObject; dsaEncoding: 'ieee-p1363' }, signature: Uint8Array): boolean;
  createECDH(curve: string): { setPrivateKey(key: Uint8Array): unknown; computeSecret(otherPublicKey: Uint8Array): Uint8Array };
  createHash(algorithm: string): NodeHash;
  createHmac(algorithm: string, key: Uint8Array): NodeHash;
  createDecipheriv(algorithm: string, key: Uint8Array, iv: Uint8Array): NodeDecipher;
}
interface NodeKeyObject {
  export(options: { format: 'jwk' }): Record<string, unknown>;
}
interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
interface NodeDecipher {
  setAAD(data: Uint8Array): unknown;
  setAuthTag(tag: Uint8Array): unknown;
  update(data: Uint8Array): Uint8Array;
  final(): Uint8Array;
}

const REQUIRED = ['createPrivateKey', 'createPublicKey', 'generateKeyPairSync', 'sign', 'verify', 'createECDH', 'createHash', 'createHmac', 'createDecipheriv'] as const;

/** Whether `mod` looks like Node's `crypto` module with everything this backend calls. */
export function isNodeCryptoModule(mod: unknown): mod is NodeCryptoModule {
  if (!mod || typeof mod !== 'object') return false;
  return REQUIRED.every((f) => typeof (mod as Record<string, unknown>)[f] === 'function');
}

const HASH: Readonly<Record<SigningAlg, string>> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };
const OPENSSL_CURVE: Readonly<Record<Curve, string>> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const KEY_WRAP: Readonly<Record<number, string>> = { 128: 'id-aes128-wrap', 192: 'id-aes192-wrap', 256: 'id-aes256-wrap' };
/** RFC 3394's default initial value. */
const KW_IV = new Uint8Array([0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6]);
const EMPTY = new Uint8Array(0);

function signerFor(nc: NodeCryptoModule, key: NodeKeyObject, alg: SigningAlg): JwsSigner {
  const hash = HASH[alg];
  const options = { key, dsaEncoding: 'ieee-p1363' as const };
  return {
    alg,
    sign(header, payload) {
      const input = `${b64uText(JSON.stringify({ alg, ...header }))}.${b64uText(JSON.stringify(payload))}`;
      return `${input}.${b64u(nc.sign(hash, ascii(input), options))}`;
    },
  };
}

/** Throws when `jwk` is not an EC key on `crv` with coordinates of the right size. */
function checkEcJwk(jwk: EcJwk, needPrivate: boolean): void {
  const size = FIELD_BYTES[jwk.crv];
  if (jwk.kty !== 'EC' || size === undefined) throw new TypeError('not an EC key on P-256, P-384 or P-521');
  if (fromB64u(jwk.x).length !== size || fromB64u(jwk.y).length !== size) throw new TypeError('EC coordinates of the wrong size');
  if (needPrivate && (typeof jwk.d !== 'string' || fromB64u(jwk.d).length !== size)) throw new TypeError('EC private key of the wrong size');
}

/** OtherInfo of the Concat KDF (RFC 7518 §4.6.2) for messages without apu/apv, per algorithm id and size. */
const OTHER_INFO = new Map<string, Uint8Array>();
/** The counter of the Concat KDF's first (for keys up to 256 bits, only) round. */
const ROUND_1 = uint32be(1);

/**
 * Concat KDF of RFC 7518 §4.6.2 with SHA-256: `bits` of key material from the shared secret,
 * for `algorithmId` (the `enc` for ECDH-ES, else the `alg`), PartyUInfo and PartyVInfo.
 */
function concatKdf(nc: NodeCryptoModule, z: Uint8Array, bits: number, algorithmId: string, apu: Uint8Array, apv: Uint8Array): Uint8Array {
  const plain = apu.length === 0 && apv.length === 0;
  let otherInfo = plain ? OTHER_INFO.get(`${algorithmId}/${bits}`) : undefined;
  if (!otherInfo) {
    const id = utf8(algorithmId);
    otherInfo = concat(uint32be(id.length), id, uint32be(apu.length), apu, uint32be(apv.length), apv, uint32be(bits));
    if (plain) OTHER_INFO.set(`${algorithmId}/${bits}`, otherInfo);
  }
  const rounds = Math.ceil(bits / 256);
  if (rounds === 1) return nc.createHash('sha256').update(ROUND_1).update(z).update(otherInfo).digest().subarray(0, bits / 8);
  const out = new Uint8Array(rounds * 32);
  for (let i = 0; i < rounds; i++) out.set(nc.createHash('sha256').update(uint32be(i + 1)).update(z).update(otherInfo).digest(), i * 32);
  return out.subarray(0, bits / 8);
}
function optionalB64u(value: unknown): Uint8Array {
  if (value === undefined) return EMPTY;
  if (typeof value !== 'string') throw new TypeError('apu/apv must be strings');
  return fromB64u(value);
}

/** Content decryption (A256GCM or A256CBC-HS512) of a compact JWE's last three segments. */
function decryptContent(nc: NodeCryptoModule, enc: string, cek: Uint8Array, parts: string[]): Uint8Array {
  const aad = ascii(parts[0]!);
  const iv = fromB64u(parts[2]!);
  const ciphertext = fromB64u(parts[3]!);
  const tag = fromB64u(parts[4]!);
  if (enc === 'A256GCM') {
    if (iv.length !== 12 || tag.length !== 16) throw new TypeError('invalid AES-GCM IV or tag length');
    const decipher = nc.createDecipheriv('aes-256-gcm', cek, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(ciphertext);
    decipher.final(); // checks the tag; GCM adds no bytes at the end
    return plaintext;
  }
  // A256CBC-HS512 (RFC 7518 §5.2.5): MAC key, then encryption key; the tag is the first half of
  // HMAC-SHA-512(AAD ‖ IV ‖ ciphertext ‖ AAD length in bits, 64-bit big-endian), checked first.
  if (iv.length !== 16 || tag.length !== 32) throw new TypeError('invalid AES-CBC IV or tag length');
  const bits = aad.length * 8;
  const al = concat(uint32be(Math.floor(bits / 0x100000000)), uint32be(bits >>> 0));
  const mac = nc.createHmac('sha512', cek.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(al).digest();
  if (!equalBytes(mac.subarray(0, 32), tag)) throw new TypeError('JWE authentication tag mismatch');
  const decipher = nc.createDecipheriv('aes-256-cbc', cek.subarray(32), iv);
  return concat(decipher.update(ciphertext), decipher.final());
}

function decrypterFor(nc: NodeCryptoModule, jwk: EcJwk): JweDecrypter {
  checkEcJwk(jwk, true);
  const ecdh = nc.createECDH(OPENSSL_CURVE[jwk.crv]);
  ecdh.setPrivateKey(fromB64u(jwk.d!));
  const size = FIELD_BYTES[jwk.crv];
  let viaJose: Promise<JweDecrypter> | undefined;

  function fast(jwe: string, header: Record<string, unknown>): Uint8Array {
    const parts = jwe.split('.');
    if (parts.length !== 5 || header.crit !== undefined || header.zip !== undefined) throw new TypeError('left to jose');
    const alg = header.alg as string;
    const enc = header.enc as string;
    const kwBits = KEY_AGREEMENT_BITS.get(alg);
    const cekBytes = CONTENT_KEY_BYTES.get(enc);
    if (kwBits === undefined || cekBytes === undefined) throw new TypeError('unsupported alg or enc');
    const epk = header.epk as Record<string, unknown> | undefined;
    if (!epk || typeof epk !== 'object' || epk.kty !== 'EC' || epk.crv !== jwk.crv || typeof epk.x !== 'string' || typeof epk.y !== 'string') {
      throw new TypeError('epk is not an EC key on the recipient key’s curve');
    }
    const x = fromB64u(epk.x);
    const y = fromB64u(epk.y);
    if (x.length !== size || y.length !== size) throw new TypeError('epk coordinates of the wrong size');
    // computeSecret refuses a point that is not on the curve (no invalid-curve attacks).
    const z = ecdh.computeSecret(concat(new Uint8Array([4]), x, y));
    const apu = optionalB64u(header.apu);
    const apv = optionalB64u(header.apv);
    let cek: Uint8Array;
    if (kwBits === 0) {
      if (parts[1] !== '') throw new TypeError('ECDH-ES carries no encrypted key');
      cek = concatKdf(nc, z, cekBytes * 8, enc, apu, apv);
    } else {
      const kek = concatKdf(nc, z, kwBits, alg, apu, apv);
      const unwrap = nc.createDecipheriv(KEY_WRAP[kwBits]!, kek, KW_IV);
      cek = concat(unwrap.update(fromB64u(parts[1]!)), unwrap.final()); // final() checks RFC 3394's integrity value
      if (cek.length !== cekBytes) throw new TypeError('content key of the wrong size');
    }
    return decryptContent(nc, enc, cek, parts);
  }

  return {
    decrypt(jwe, header) {
      try {
        return fast(jwe, header);
      } catch {
        return (viaJose ??= joseDecrypterFor(jwk)).then((d) => d.decrypt(jwe, header));
      }
    },
  };
}

function verifierFor(nc: NodeCryptoModule, jwk: EcJwk, alg: SigningAlg): JwsVerifier {
  checkEcJwk(jwk, false);
  const key = nc.createPublicKey({ key: { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
  const options = { key, dsaEncoding: 'ieee-p1363' as const };
  const hash = HASH[alg];
  const signatureBytes = 2 * FIELD_BYTES[jwk.crv];
  let viaJose: Promise<JwsVerifier> | undefined;
  return {
    alg,
    verify(jws) {
      const dot = jws.lastIndexOf('.');
      let signature: Uint8Array | undefined;
      try {
        signature = fromB64u(jws.slice(dot + 1));
      } catch {
        signature = undefined;
      }
      if (signature?.length === signatureBytes && nc.verify(hash, ascii(jws.slice(0, dot)), options, signature)) return true;
      // Refused here: jose gives the verdict (and the same error for a malformed JWS).
      return (viaJose ??= joseVerifierFor(jwk, alg)).then((v) => v.verify(jws));
    },
  };
}

export function nodeCryptoBackend(nc: NodeCryptoModule): CryptoBackend {
  return {
    name: 'node-crypto',
    signer(privateJwk, alg) {
      checkEcJwk(privateJwk, true);
      const key = nc.createPrivateKey({ key: { kty: 'EC', crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, d: privateJwk.d }, format: 'jwk' });
      return signerFor(nc, key, alg);
    },
    generateDpopKey() {
      const { privateKey } = nc.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const { crv, x, y, d } = privateKey.export({ format: 'jwk' }) as unknown as EcJwk;
      return { jwk: { kty: 'EC', crv, x, y, d }, signer: signerFor(nc, privateKey, 'ES256') };
    },
    verifier: (publicJwk, alg) => verifierFor(nc, publicJwk, alg),
    decrypter: (privateJwk) => decrypterFor(nc, privateJwk),
    sha256: (data) => nc.createHash('sha256').update(data).digest(),
  };
}
