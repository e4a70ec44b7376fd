/**
 * PEM handling without Node APIs: PKCS#1 → PKCS#8 conversion (the official SDK uses node-rsa for
 * it) and the normalisation the official SDK applies to a private key it is given.
 */
import { concat } from './crypto/backend.js';
import { SgidConfigError, MESSAGES } from './errors.js';

const PKCS1_HEADER = '-----BEGIN RSA PRIVATE KEY-----';
const PKCS1_FOOTER = '-----END RSA PRIVATE KEY-----';

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** DER length octets (X.690 §8.1.3): short form below 128, long form above. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>>= 8) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function derTlv(tag: number, content: Uint8Array | number[]): Uint8Array {
  const body = content instanceof Uint8Array ? content : Uint8Array.from(content);
  const head = [tag, ...derLength(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

// AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }
const RSA_ALGORITHM_IDENTIFIER = Uint8Array.from([
  0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
]);

/**
 * Converts a PKCS#1 PEM RSA private key (`-----BEGIN RSA PRIVATE KEY-----`) to PKCS#8 PEM
 * (`-----BEGIN PRIVATE KEY-----`), as the official SDK's function of the same name does (same
 * output, byte for byte: 64-character lines, no trailing newline). It wraps the DER in the
 * PKCS#8 `PrivateKeyInfo` envelope (RFC 5208), so it needs no Node API.
 * @param pkcs1 Private key in PKCS#1 PEM format.
 * @returns The same key in PKCS#8 PEM format.
 * @throws {SgidConfigError} `ERR_PRIVATE_KEY_IMPORT` when the input is not a PKCS#1 PEM key.
 */
export function convertPkcs1ToPkcs8(pkcs1: string): string {
  const start = pkcs1.indexOf(PKCS1_HEADER);
  const end = pkcs1.indexOf(PKCS1_FOOTER);
  if (start === -1 || end === -1 || end < start) {
    throw new SgidConfigError(
      'ERR_PRIVATE_KEY_IMPORT',
      MESSAGES.PRIVATE_KEY_IMPORT,
      'Pass the whole PEM, including the "-----BEGIN RSA PRIVATE KEY-----" and "-----END RSA PRIVATE KEY-----" lines.',
    );
  }
  let der: Uint8Array;
  try {
    der = base64ToBytes(pkcs1.slice(start + PKCS1_HEADER.length, end).replace(/\\n|\s/g, ''));
  } catch (cause) {
    throw new SgidConfigError(
      'ERR_PRIVATE_KEY_IMPORT',
      MESSAGES.PRIVATE_KEY_IMPORT,
      'The PEM body is not valid base64: check that the key was copied whole.',
      { cause },
    );
  }
  if (der[0] !== 0x30) {
    throw new SgidConfigError(
      'ERR_PRIVATE_KEY_IMPORT',
      MESSAGES.PRIVATE_KEY_IMPORT,
      'The PEM body is not a DER RSAPrivateKey: check that the key was copied whole.',
    );
  }
  // PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, privateKeyAlgorithm, privateKey OCTET STRING }
  const info = derTlv(0x30, concat(Uint8Array.from([0x02, 0x01, 0x00]), RSA_ALGORITHM_IDENTIFIER, derTlv(0x04, der)));
  const lines = bytesToBase64(info).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`;
}

/**
 * The private key as the official SDK reads it: PKCS#1 converted to PKCS#8, and literal `\n`
 * sequences (an escaping mistake common in .env files) turned into newlines.
 */
export function normalizePrivateKey(privateKey: string): string {
  if (typeof privateKey !== 'string' || privateKey.length === 0) {
    throw new SgidConfigError(
      'ERR_PRIVATE_KEY_IMPORT',
      MESSAGES.PRIVATE_KEY_IMPORT,
      'privateKey must be the PEM string from your client credentials (the "privateKey" field).',
    );
  }
  const unescaped = privateKey.replace(/\\n/gm, '\n');
  return unescaped.trimStart().startsWith(PKCS1_HEADER) ? convertPkcs1ToPkcs8(unescaped) : unescaped;
}
