/**
 * Compact JWS with ECDSA (ES256/384/512), on synchronous node:crypto: the provider signs an
 * access token, an ID token and a userinfo answer per login and verifies client assertions and
 * DPoP proofs, and jose's WebCrypto path costs a thread-pool hop per call on Node (see
 * relay/id-token.ts). Parsing is strict: three base64url segments, a JSON object header and
 * payload, a signature of the curve's exact length.
 */
import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SINGPASS_SIGNING_ALGS } from 'sgid-protocol';
import type { SingpassSigningAlg } from 'sgid-protocol';

const HASH: Readonly<Record<SingpassSigningAlg, string>> = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };
/** r‖s length of each algorithm's signature. */
const SIGNATURE_BYTES: Readonly<Record<SingpassSigningAlg, number>> = { ES256: 64, ES384: 96, ES512: 132 };

const b64json = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact ES256 JWS of `payload` with `header` (alg is set here). */
export function signEs256(header: Record<string, unknown>, payload: object, key: KeyObject): string {
  const input = `${b64json({ ...header, alg: 'ES256' })}.${b64json(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

export interface ParsedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** ASCII of `header.payload`, what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** Why a token is not a compact JWS with JSON objects, in words; undefined when it is one. */
function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWS; throws `Error(reason)` for anything malformed. */
export function parseCompactJws(token: string): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`is not a compact JWS (${parts.length === 5 ? 'it is a JWE: send the signed JWT itself' : `${parts.length} segments, expected 3`})`);
  const [h, p, s] = parts as [string, string, string];
  // An empty signature parses (an "alg": "none" token has one): the alg check refuses it, by name.
  if (!SEGMENT.test(h) || !SEGMENT.test(p) || !SEGMENT.test(s) || h === '' || p === '') {
    throw new Error('is not a compact JWS (each segment must be base64url without padding)');
  }
  const header = parseJson(h);
  if (!header) throw new Error('has a header that is not a base64url JSON object');
  const payload = parseJson(p);
  if (!payload) throw new Error('has a payload that is not a base64url JSON object');
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

export function isSigningAlg(alg: unknown): alg is SingpassSigningAlg {
  return (SINGPASS_SIGNING_ALGS as readonly unknown[]).includes(alg);
}

/** Whether `signature` (r‖s) over `input` verifies with `key` for `alg`. */
export function verifyEcdsa(alg: SingpassSigningAlg, key: KeyObject, input: string, signature: Buffer): boolean {
  if (signature.length !== SIGNATURE_BYTES[alg]) return false;
  try {
    return verify(HASH[alg], Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}
