/**
 * Relying parties' public keys, as Singpass handles them: an inline JWKS from the registration,
 * or a JWKS URL fetched with a 3-second timeout, cached for an hour, and fetched again when an
 * assertion names an unknown `kid` — at most once a minute per client, so that a stream of bad
 * assertions cannot make the provider hammer an RP. Every key is checked (SINGPASS.md §1a
 * "RP JWKS") and imported once into a node:crypto KeyObject.
 */
import type { KeyObject } from 'node:crypto';
import { OAuthError, rpJwksProblems, rpKeys, strongestEncryptionKey } from 'sgid-protocol';
import type { JWK } from 'jose';
import type { RpKey, SingpassCurve, SingpassSigningAlg } from 'sgid-protocol';
import type { SingpassClientRecord } from '../store/types.js';
import { importEcPublicJwk } from './crypto/jwk.js';
import { jweRecipient } from './crypto/jwe.js';
import type { JweRecipient } from './crypto/jwe.js';

/** A signing key of an RP: what its client assertions are verified with. */
export interface RpSigningKey {
  kid: string;
  /** The JWK's own `alg`, when it has one: an assertion must then use exactly it. */
  alg?: SingpassSigningAlg;
  crv: SingpassCurve;
  key: KeyObject;
}

export interface RpKeySet {
  signing: RpSigningKey[];
  /** The key ID tokens and userinfo answers are encrypted to: strongest curve, then strongest wrap. */
  encryption: JweRecipient;
  /** Where the keys came from, for error messages: "the registered JWKS" or the URL. */
  source: string;
}

export interface RpKeyStoreOptions {
  /** One fetch attempt's timeout. Default 3 s (Singpass's). */
  timeoutMs?: number;
  /** How long a fetched JWKS is used. Default 1 h. */
  maxAgeMs?: number;
  /** Least time between two fetches of one client's JWKS for an unknown kid. Default 60 s. */
  minRefetchMs?: number;
  /** Largest JWKS body accepted. Default 64 kB. */
  maxBytes?: number;
  fetch?: typeof fetch;
}

/** Why the keys could not be had; the endpoints turn it into their own error code. */
export class RpKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpKeysError';
  }
}

interface Entry {
  /** What the entry was made from: the inline JWKS text or the URL. */
  origin: string;
  keys?: RpKeySet;
  fetchedAt: number;
  lastAttemptAt: number;
  inFlight?: Promise<RpKeySet>;
}

/** Turns a checked JWKS into imported keys; throws RpKeysError naming what is wrong. */
export function importRpJwks(jwks: unknown, source: string): RpKeySet {
  const problems = rpJwksProblems(jwks);
  if (problems.length > 0) {
    throw new RpKeysError(`${source} is not a valid Singpass JWKS: ${problems.map((p) => `${p.path ? `${p.path}: ` : ''}${p.message}`).join('; ')}`);
  }
  const keys = rpKeys(jwks as { keys: JWK[] });
  const signing: RpSigningKey[] = [];
  const enc: RpKey[] = [];
  for (const [i, k] of keys.entries()) {
    let key: KeyObject;
    try {
      key = importEcPublicJwk(k);
    } catch {
      throw new RpKeysError(`${source}: keys[${i}] (kid "${k.kid}") is not a point on ${k.crv}`);
    }
    if (k.use === 'sig') signing.push({ kid: k.kid, crv: k.crv, key, ...(k.alg !== undefined ? { alg: k.alg as SingpassSigningAlg } : {}) });
    else enc.push(k);
  }
  const chosen = strongestEncryptionKey(enc);
  // rpJwksProblems guarantees an encryption key with a key-wrap alg.
  if (!chosen) throw new RpKeysError(`${source} has no encryption key`);
  return { signing, encryption: jweRecipient(chosen, chosen.kid, chosen.alg), source };
}

export class RpKeyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly timeoutMs: number;
  private readonly maxAgeMs: number;
  private readonly minRefetchMs: number;
  private readonly maxBytes: number;
  private readonly fetchFn: typeof fetch;

  constructor(opts: RpKeyStoreOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 3_000;
    this.maxAgeMs = opts.maxAgeMs ?? 3_600_000;
    this.minRefetchMs = opts.minRefetchMs ?? 60_000;
    this.maxBytes = opts.maxBytes ?? 64 * 1024;
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** The client's keys: imported once for an inline JWKS, from the cache or the URL otherwise. */
  async keysFor(client: SingpassClientRecord): Promise<RpKeySet> {
    if (client.jwks) {
      // The registration's version stands for its JWKS: comparing it is cheaper than the keys.
      const origin = `inline@${client.updatedAt}:${client.jwks.keys.map((k) => k.kid).join(',')}`;
      const hit = this.entries.get(client.id);
      if (hit?.keys && hit.origin === origin) return hit.keys;
      const keys = importRpJwks(client.jwks, 'the registered JWKS');
      this.remember(client.id, { origin, keys, fetchedAt: Date.now(), lastAttemptAt: Date.now() });
      return keys;
    }
    const url = client.jwksUri;
    if (!url) throw new RpKeysError('the client has neither a JWKS nor a JWKS URL registered');
    const hit = this.entries.get(client.id);
    if (hit?.origin === url) {
      if (hit.keys && Date.now() - hit.fetchedAt < this.maxAgeMs) return hit.keys;
      if (hit.inFlight) return hit.inFlight;
    }
    return this.fetchInto(client.id, url);
  }

  /**
   * After an assertion named a kid the cached keys lack: the keys fetched again, or undefined
   * when they were fetched less than a minute ago (or are inline: nothing to fetch).
   */
  async refreshed(client: SingpassClientRecord): Promise<RpKeySet | undefined> {
    const url = client.jwksUri;
    if (client.jwks || !url) return undefined;
    const hit = this.entries.get(client.id);
    if (hit?.origin === url && hit.inFlight) return hit.inFlight;
    if (hit?.origin === url && Date.now() - hit.lastAttemptAt < this.minRefetchMs) return undefined;
    return this.fetchInto(client.id, url);
  }

  private remember(id: string, entry: Entry): void {
    // Bounded: a store with a great many clients evicts the oldest entry rather than growing.
    if (!this.entries.has(id) && this.entries.size >= 10_000) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(id, entry);
  }

  private fetchInto(id: string, url: string): Promise<RpKeySet> {
    const previous = this.entries.get(id);
    const entry: Entry = {
      origin: url,
      ...(previous?.origin === url && previous.keys ? { keys: previous.keys } : {}),
      fetchedAt: previous?.origin === url ? previous.fetchedAt : 0,
      lastAttemptAt: Date.now(),
    };
    entry.inFlight = this.fetchJwks(url)
      .then((keys) => {
        entry.keys = keys;
        entry.fetchedAt = Date.now();
        return keys;
      })
      .finally(() => {
        delete entry.inFlight;
      });
    this.remember(id, entry);
    return entry.inFlight;
  }

  private async fetchJwks(url: string): Promise<RpKeySet> {
    let res: Response;
    try {
      res = await this.fetchFn(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs / 1000} s` : (e.cause?.code ?? e.message);
      throw new RpKeysError(`cannot fetch the client's JWKS from ${url}: ${why}`);
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      throw new RpKeysError(`cannot fetch the client's JWKS from ${url}: HTTP ${res.status}`);
    }
    const text = await readLimited(res, this.maxBytes).catch((err: Error) => {
      throw new RpKeysError(`cannot fetch the client's JWKS from ${url}: ${err.message}`);
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RpKeysError(`the JWKS at ${url} is not JSON`);
    }
    return importRpJwks(body, `the JWKS at ${url}`);
  }
}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The RpKeysError as the OAuth error of the endpoint that needed the keys. */
export function keysUnavailable(err: unknown, code: 'invalid_client' | 'invalid_request' = 'invalid_client'): never {
  if (err instanceof RpKeysError) throw new OAuthError(code, err.message, { status: code === 'invalid_client' ? 401 : 400, cause: err });
  throw err;
}
