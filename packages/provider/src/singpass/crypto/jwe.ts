/**
 * Compact JWE to a relying party's EC encryption key (RFC 7516/7518): ECDH-ES key agreement
 * with an ephemeral key, Concat KDF, AES key wrap of a random CEK, then A256CBC-HS512 (ID
 * tokens) or A256GCM (FAPI userinfo). All synchronous node:crypto: one per ID token and one
 * per userinfo answer, on the hot path. jose's compactDecrypt reads them (test/singpass-crypto).
 */
import { createCipheriv, createECDH, createHash, createHmac, randomBytes } from 'node:crypto';
import type { SingpassKeyWrapAlg } from 'sgid-protocol';
import type { EcPublicJwk } from './jwk.js';
import { COORDINATE_BYTES, OPENSSL_CURVE, uncompressedPoint } from './jwk.js';

export type ContentEncryption = 'A256CBC-HS512' | 'A256GCM';

/** A recipient's key: the public JWK with its kid and key-wrap alg, and its point, computed once. */
export interface JweRecipient {
  jwk: EcPublicJwk;
  kid: string;
  alg: SingpassKeyWrapAlg;
  point: Buffer;
}

export function jweRecipient(jwk: EcPublicJwk, kid: string, alg: SingpassKeyWrapAlg): JweRecipient {
  return { jwk, kid, alg, point: uncompressedPoint(jwk) };
}

const KW: Readonly<Record<SingpassKeyWrapAlg, { bytes: number; cipher: string }>> = {
  'ECDH-ES+A128KW': { bytes: 16, cipher: 'id-aes128-wrap' },
  'ECDH-ES+A192KW': { bytes: 24, cipher: 'id-aes192-wrap' },
  'ECDH-ES+A256KW': { bytes: 32, cipher: 'id-aes256-wrap' },
};
const KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const lengthPrefixed = (b: Buffer): Buffer => Buffer.concat([u32(b.length), b]);

/** NIST SP 800-56A Concat KDF with SHA-256, as RFC 7518 §4.6.2 uses it (empty apu/apv). */
export function concatKdf(z: Buffer, alg: string, keyBytes: number): Buffer {
  const otherInfo = Buffer.concat([lengthPrefixed(Buffer.from(alg)), u32(0), u32(0), u32(keyBytes * 8)]);
  const out: Buffer[] = [];
  for (let round = 1; out.length * 32 < keyBytes; round++) {
    out.push(createHash('sha256').update(u32(round)).update(z).update(otherInfo).digest());
  }
  return Buffer.concat(out).subarray(0, keyBytes);
}

/** Left-pads a coordinate to its curve's length (node may drop leading zero bytes). */
function coordinate(bytes: Buffer, length: number): string {
  return (bytes.length === length ? bytes : Buffer.concat([Buffer.alloc(length - bytes.length), bytes])).toString('base64url');
}

/** Encrypts `plaintext` to `to`; `cty` goes in the protected header (e.g. "JWT" for a nested token). */
export function encryptCompact(plaintext: Buffer | string, to: JweRecipient, enc: ContentEncryption, cty?: string): string {
  const crv = to.jwk.crv;
  const ephemeral = createECDH(OPENSSL_CURVE[crv]);
  const epkPoint = ephemeral.generateKeys();
  const z = ephemeral.computeSecret(to.point);
  const size = COORDINATE_BYTES[crv];
  const epk = { kty: 'EC', crv, x: coordinate(epkPoint.subarray(1, 1 + size), size), y: coordinate(epkPoint.subarray(1 + size), size) };

  const kw = KW[to.alg];
  const kek = concatKdf(z, to.alg, kw.bytes);
  const cek = randomBytes(enc === 'A256CBC-HS512' ? 64 : 32);
  const wrap = createCipheriv(kw.cipher, kek, KW_IV);
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()]);

  const header = { alg: to.alg, enc, kid: to.kid, ...(cty !== undefined ? { cty } : {}), epk };
  const protectedHeader = Buffer.from(JSON.stringify(header)).toString('base64url');
  const aad = Buffer.from(protectedHeader, 'ascii');
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext;

  let iv: Buffer;
  let ciphertext: Buffer;
  let tag: Buffer;
  if (enc === 'A256GCM') {
    iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', cek, iv);
    c.setAAD(aad);
    ciphertext = Buffer.concat([c.update(data), c.final()]);
    tag = c.getAuthTag();
  } else {
    // RFC 7518 §5.2: MAC key = first half, encryption key = second half; tag = first 32 bytes of
    // HMAC-SHA-512(AAD ‖ IV ‖ ciphertext ‖ AL), AL = AAD length in bits as a 64-bit integer.
    iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', cek.subarray(32), iv);
    ciphertext = Buffer.concat([c.update(data), c.final()]);
    const al = Buffer.alloc(8);
    al.writeBigUInt64BE(BigInt(aad.length * 8));
    tag = createHmac('sha512', cek.subarray(0, 32)).update(aad).update(iv).update(ciphertext).update(al).digest().subarray(0, 32);
  }
  const b = (x: Buffer) => x.toString('base64url');
  return `${protectedHeader}.${b(encryptedKey)}.${b(iv)}.${b(ciphertext)}.${b(tag)}`;
}
