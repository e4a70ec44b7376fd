/**
 * The relying party's own keys (SINGPASS.md §1a "RP JWKS", §5.1): a private JWKS with at least
 * one signing key (`use: sig`, ES256/384/512) for client assertions and at least one encryption
 * key (`use: enc`, ECDH-ES+A*KW) that Singpass encrypts ID tokens and userinfo to. Several
 * encryption keys may be published at once (rotation): a message is decrypted with the key its
 * `kid` names. Only the public halves ever leave this module (`publicJwks`).
 */
import { exportJWK, generateKeyPair } from 'jose';
import { SINGPASS_KEY_WRAP_ALGS } from 'sgid-protocol';
import { cryptoBackend } from './crypto/platform.js';
import {
  FIELD_BYTES,
  SIGNING_ALG_OF,
  isCurve,
  publicJwk,
  type CryptoBackend,
  type Curve,
  type EcJwk,
  type JweDecrypter,
  type JwsSigner,
  type KeyAgreementAlg,
  type SigningAlg,
} from './crypto/backend.js';
import { fromB64u, randomB64u } from './crypto/bytes.js';
import { SingpassConfigError } from './errors.js';

/** A JSON Web Key Set. */
export interface Jwks<K = EcJwk> {
  keys: K[];
}

/** What {@link generateKeys} makes. */
export interface GeneratedKeys {
  /** Keep secret: the SDK's `keys` option. */
  privateJwks: Jwks;
  /** Publish at your JWKS URL (what `client.jwks()` serves). */
  publicJwks: Jwks;
}

/** Options of {@link generateKeys} and {@link generateKey}. */
export interface GenerateKeyOptions {
  /** Curve of the new keys. Default `P-256` (ES256 and ECDH-ES+A256KW), what Singpass's examples use. */
  curve?: Curve;
}

const invalid = (message: string, hint = 'Generate a key set with `npx singpass-client keys generate`, or see "Keys" in the README.') =>
  new SingpassConfigError('ERR_INVALID_KEYS', message, hint);

/** A `kid` that says what the key is and when it was made, and is unique: `sig-2026-11-01-3fZ8kQ`. */
function newKid(use: 'sig' | 'enc'): string {
  return `${use}-${new Date().toISOString().slice(0, 10)}-${randomB64u(6)}`;
}

/**
 * One new key pair as a private JWK with `kid`, `use` and `alg`: ES256 (or ES384/ES512 on the
 * larger curves) for `sig`, ECDH-ES+A256KW for `enc`.
 */
export async function generateKey(use: 'sig' | 'enc', options: GenerateKeyOptions = {}): Promise<EcJwk> {
  const curve = options.curve ?? 'P-256';
  if (!isCurve(curve)) throw new SingpassConfigError('ERR_INVALID_ARGUMENT', `unsupported curve: ${String(curve)}`, 'Use P-256, P-384 or P-521.');
  // jose picks the curve from the algorithm: ES256 → P-256, ES384 → P-384, ES512 → P-521.
  const { privateKey } = await generateKeyPair(SIGNING_ALG_OF[curve], { extractable: true });
  const { crv, x, y, d } = (await exportJWK(privateKey)) as EcJwk;
  return { kty: 'EC', crv, x, y, d, kid: newKid(use), use, alg: use === 'sig' ? SIGNING_ALG_OF[curve] : 'ECDH-ES+A256KW' };
}

/** A new key set for a Singpass client: one signing key and one encryption key. */
export async function generateKeys(options: GenerateKeyOptions = {}): Promise<GeneratedKeys> {
  const privateJwks = { keys: [await generateKey('sig', options), await generateKey('enc', options)] };
  return { privateJwks, publicJwks: toPublicJwks(privateJwks) };
}

/** The public JWKS of a private one (private members dropped; kid, use and alg kept). */
export function toPublicJwks(jwks: Jwks): Jwks {
  return { keys: jwks.keys.map(publicJwk) };
}

/**
 * Validates a private JWKS (an object or its JSON) as Singpass requires of a relying party:
 * EC keys on P-256/384/521 with `d`, unique `kid`s, `use` sig or enc (inferred from `alg` when
 * missing), `alg` matching the curve (sig) or ECDH-ES+A128/192/256KW (enc), at least one of each.
 * @throws {SingpassConfigError} `ERR_INVALID_KEYS` naming the key and the member at fault.
 */
export function parsePrivateJwks(input: unknown): Jwks {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalid('keys is a string but not JSON: pass the private JWKS object, or its JSON text');
    }
  }
  if (!value || typeof value !== 'object' || !Array.isArray((value as { keys?: unknown }).keys)) {
    throw invalid('keys must be a private JWKS: {"keys": [...]}');
  }
  const seen = new Set<string>();
  const keys: EcJwk[] = [];
  for (const [i, raw] of (value as { keys: unknown[] }).keys.entries()) {
    const at = `keys[${i}]`;
    if (!raw || typeof raw !== 'object') throw invalid(`${at} is not a JWK object`);
    const k = raw as Record<string, unknown>;
    if (k.kty !== 'EC' || !isCurve(k.crv)) throw invalid(`${at}: Singpass takes EC keys on P-256, P-384 or P-521 only (kty "${String(k.kty)}", crv "${String(k.crv)}")`);
    const size = FIELD_BYTES[k.crv];
    for (const member of ['x', 'y', 'd'] as const) {
      let ok = false;
      try {
        ok = typeof k[member] === 'string' && fromB64u(k[member] as string).length === size;
      } catch {
        ok = false;
      }
      if (!ok) {
        throw invalid(
          member === 'd' ? `${at}: no private part "d" (this looks like a public key)` : `${at}: "${member}" is not a ${size}-byte base64url coordinate`,
          member === 'd' ? 'The SDK needs your private JWKS; publish only client.jwks() (the public one).' : undefined,
        );
      }
    }
    if (typeof k.kid !== 'string' || k.kid === '') throw invalid(`${at}: every key needs a "kid"`);
    if (seen.has(k.kid)) throw invalid(`${at}: kid "${k.kid}" is used twice`);
    seen.add(k.kid);
    // Singpass's demo app lists its keys without "use": infer it from "alg" (published with it).
    const use = k.use ?? (typeof k.alg === 'string' && k.alg.startsWith('ES') ? 'sig' : typeof k.alg === 'string' && k.alg.startsWith('ECDH-ES') ? 'enc' : undefined);
    if (use === 'sig') {
      if (k.alg !== SIGNING_ALG_OF[k.crv]) throw invalid(`${at} (${k.kid}): a ${k.crv} signing key needs "alg": "${SIGNING_ALG_OF[k.crv]}" (got ${JSON.stringify(k.alg)})`);
    } else if (use === 'enc') {
      if (!(SINGPASS_KEY_WRAP_ALGS as readonly unknown[]).includes(k.alg)) {
        throw invalid(`${at} (${k.kid}): an encryption key needs "alg": "ECDH-ES+A256KW" (or ECDH-ES+A192KW, ECDH-ES+A128KW, what Singpass accepts); got ${JSON.stringify(k.alg)}`);
      }
    } else {
      throw invalid(`${at} (${k.kid}): "use" must be "sig" or "enc" (got ${JSON.stringify(k.use)})`);
    }
    keys.push({ ...(k as EcJwk), use });
  }
  if (!keys.some((k) => k.use === 'sig')) throw invalid('keys has no signing key ("use": "sig")');
  if (!keys.some((k) => k.use === 'enc')) throw invalid('keys has no encryption key ("use": "enc")');
  return { keys };
}

/** The client's keys, imported once, lazily. */
export class ClientKeys {
  readonly jwks: Jwks;
  readonly publicJwks: Jwks;
  /** The key client assertions are signed with. */
  readonly signingKey: EcJwk;
  #signer: Promise<JwsSigner> | JwsSigner | undefined;
  readonly #decrypters = new Map<string, JweDecrypter | Promise<JweDecrypter>>();

  /**
   * @param signingKeyId Which signing key signs client assertions. Default: the first `sig` key.
   * @param backend The crypto backend that imports and uses the keys (the process's, by default).
   * @throws {SingpassConfigError} `ERR_INVALID_KEYS`
   */
  readonly #backend: CryptoBackend;

  constructor(input: unknown, signingKeyId?: string, backend: CryptoBackend = cryptoBackend()) {
    this.#backend = backend;
    this.jwks = parsePrivateJwks(input);
    this.publicJwks = toPublicJwks(this.jwks);
    const signing = this.jwks.keys.find((k) => k.use === 'sig' && (signingKeyId === undefined || k.kid === signingKeyId));
    if (!signing) throw invalid(`no signing key with kid "${signingKeyId}"`, 'signingKeyId must name a "use": "sig" key of your JWKS.');
    this.signingKey = signing;
  }

  /** The signer of client assertions (imported on first use). */
  signer(): JwsSigner | Promise<JwsSigner> {
    return (this.#signer ??= this.#backend.signer(this.signingKey, this.signingKey.alg as SigningAlg));
  }

  /** The encryption keys, by kid. */
  encryptionKeys(): EcJwk[] {
    return this.jwks.keys.filter((k) => k.use === 'enc');
  }

  /** The decrypter of one encryption key (imported on first use). */
  decrypter(key: EcJwk): JweDecrypter | Promise<JweDecrypter> {
    let d = this.#decrypters.get(key.kid!);
    if (!d) {
      d = this.#backend.decrypter(key);
      this.#decrypters.set(key.kid!, d);
    }
    return d;
  }
}

export type { EcJwk, Curve, KeyAgreementAlg, SigningAlg };
