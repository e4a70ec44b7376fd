/**
 * What Singpass requires of a relying party's JWKS (SINGPASS.md §1a "RP JWKS", §4.2): EC keys
 * on P-256/384/521 only, each with a unique `kid` and a `use`; encryption keys with an
 * `ECDH-ES+A…KW` alg; no private members; at least one signing and one encryption key.
 * Pure and runtime-neutral: the provider checks registrations and fetched JWKS with it, an SDK
 * can check the JWKS it is about to publish.
 */
import type { JWK } from 'jose';
import { CURVE_OF_ALG, SINGPASS_CURVES, SINGPASS_KEY_WRAP_ALGS, SINGPASS_SIGNING_ALGS } from './wire.js';
import type { SingpassCurve, SingpassKeyWrapAlg, SingpassSigningAlg } from './wire.js';

/** One thing wrong with a JWKS: where (`keys[1].alg`) and what. */
export interface JwksProblem {
  path: string;
  message: string;
}

/** A public EC key of a checked RP JWKS. */
export interface RpKey extends JWK {
  kty: 'EC';
  crv: SingpassCurve;
  x: string;
  y: string;
  kid: string;
  use: 'sig' | 'enc';
}

/** Bytes of a coordinate of each curve. */
const COORDINATE_BYTES: Readonly<Record<SingpassCurve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/** Members that only a private (or symmetric) key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function base64urlLength(s: string): number {
  return Math.floor((s.length * 3) / 4);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of `jwks` (empty when it is valid), in the order of its keys. */
export function rpJwksProblems(jwks: unknown): JwksProblem[] {
  const problems: JwksProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!isObject(jwks)) {
    add('', 'must be a JSON object {"keys": [...]}');
    return problems;
  }
  const keys = jwks['keys'];
  if (!Array.isArray(keys)) {
    add('keys', 'must be an array of JWKs');
    return problems;
  }
  const kids = new Map<string, number>();
  let sig = 0;
  let enc = 0;
  keys.forEach((key: unknown, i) => {
    const at = `keys[${i}]`;
    if (!isObject(key)) return add(at, 'must be a JWK object');
    const kid = key['kid'];
    if (typeof kid !== 'string' || kid === '') add(`${at}.kid`, 'is required: every key needs a unique "kid"');
    else if (kids.has(kid)) add(`${at}.kid`, `"${kid}" is also the kid of keys[${kids.get(kid)}]; kids must be unique`);
    else kids.set(kid, i);
    for (const m of PRIVATE_MEMBERS) {
      if (m in key) add(`${at}.${m}`, `a private key member: publish the public key only (remove "${m}" — anyone who reads the JWKS could use it)`);
    }
    if (key['kty'] !== 'EC') add(`${at}.kty`, `must be "EC" (Singpass takes EC keys only), not ${JSON.stringify(key['kty'])}`);
    const crv = key['crv'];
    const curve = (SINGPASS_CURVES as readonly unknown[]).includes(crv) ? (crv as SingpassCurve) : undefined;
    if (!curve) add(`${at}.crv`, `must be one of ${SINGPASS_CURVES.join(', ')}, not ${JSON.stringify(crv)}`);
    for (const c of ['x', 'y'] as const) {
      const v = key[c];
      if (typeof v !== 'string' || !BASE64URL.test(v)) add(`${at}.${c}`, 'must be the base64url coordinate of the public point');
      else if (curve && base64urlLength(v) !== COORDINATE_BYTES[curve]) {
        add(`${at}.${c}`, `is ${base64urlLength(v)} bytes; a ${curve} coordinate has ${COORDINATE_BYTES[curve]}`);
      }
    }
    const use = key['use'];
    const alg = key['alg'];
    if (use === 'sig') {
      sig++;
      if (alg !== undefined) {
        if (!(SINGPASS_SIGNING_ALGS as readonly unknown[]).includes(alg)) {
          add(`${at}.alg`, `a signing key's alg must be one of ${SINGPASS_SIGNING_ALGS.join(', ')}, not ${JSON.stringify(alg)}`);
        } else if (curve && CURVE_OF_ALG[alg as SingpassSigningAlg] !== curve) {
          add(`${at}.alg`, `${String(alg)} signs with ${CURVE_OF_ALG[alg as SingpassSigningAlg]}, but this key is ${curve}`);
        }
      }
    } else if (use === 'enc') {
      enc++;
      if (!(SINGPASS_KEY_WRAP_ALGS as readonly unknown[]).includes(alg)) {
        add(`${at}.alg`, `an encryption key needs an alg, one of ${SINGPASS_KEY_WRAP_ALGS.join(', ')} (got ${JSON.stringify(alg)})`);
      }
    } else {
      add(`${at}.use`, `must be "sig" or "enc", not ${JSON.stringify(use)}`);
    }
  });
  if (keys.length > 0 && sig === 0) add('keys', 'has no signing key (use "sig"): client assertions could not be verified');
  if (keys.length > 0 && enc === 0) add('keys', 'has no encryption key (use "enc"): ID tokens could not be encrypted to you');
  if (keys.length === 0) add('keys', 'is empty: publish at least one signing and one encryption key');
  return problems;
}

/** The keys of a JWKS that passed rpJwksProblems, typed. */
export function rpKeys(jwks: { keys: readonly JWK[] }): RpKey[] {
  return jwks.keys as RpKey[];
}

/**
 * The encryption key the provider encrypts to, as Singpass chooses it: the strongest curve,
 * then the strongest key wrap. Undefined when there is none.
 */
export function strongestEncryptionKey(keys: readonly RpKey[]): (RpKey & { alg: SingpassKeyWrapAlg }) | undefined {
  let best: (RpKey & { alg: SingpassKeyWrapAlg }) | undefined;
  const rank = (k: RpKey & { alg: SingpassKeyWrapAlg }) =>
    SINGPASS_CURVES.indexOf(k.crv) * 10 + SINGPASS_KEY_WRAP_ALGS.indexOf(k.alg);
  for (const k of keys) {
    if (k.use !== 'enc' || !(SINGPASS_KEY_WRAP_ALGS as readonly unknown[]).includes(k.alg)) continue;
    const candidate = k as RpKey & { alg: SingpassKeyWrapAlg };
    if (!best || rank(candidate) > rank(best)) best = candidate;
  }
  return best;
}
