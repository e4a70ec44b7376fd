/**
 * The provider's ID-token signing keys. A key's role is derived from times stored with it,
 * so that any number of processes agree without a background job:
 * - it signs once `activateAt` has passed and no key with a later `activateAt` has;
 * - it is published in the JWKS from creation until `removeAt` (set at rotation to the moment
 *   the last token it signed expires).
 * Private keys are imported once and cached; the ring reloads from the store every second
 * (one small query, in the background: no request waits for it) so that a `keys rotate` run
 * elsewhere reaches every process long before the new key signs. Which key signs is decided
 * by the clock, not by the reload, so every process switches at the same moment.
 */
import { createPrivateKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { KeyFamily, SigningKeyRecord, Store } from '../store/types.js';

export interface ActiveKey {
  kid: string;
  /**
   * A node:crypto key, not a WebCrypto one: the ID token is signed with synchronous
   * crypto.sign, because each crypto.subtle call on Node costs ~60-70 µs of thread-pool hop
   * on top of the RSA work itself, once per login.
   */
  key: KeyObject;
}

/**
 * Seconds relying parties may cache the JWKS (its Cache-Control max-age). Rotation's default
 * delay (600 s) is twice this, so an RP that honours the header has fetched the new key well
 * before it signs; openid-client (inside the official SDK) also refetches on an unknown kid,
 * at most once a minute.
 */
export const JWKS_MAX_AGE = 300;

/** How often the ring re-reads the keys; a rotation's delay must be longer than this. */
export const KEY_RELOAD_MS = 1_000;

/** The algorithm and use of each family's keys. */
const FAMILY: Readonly<Record<KeyFamily, { alg: string; use: 'sig' | 'enc' }>> = {
  sgid: { alg: 'RS256', use: 'sig' },
  singpass: { alg: 'ES256', use: 'sig' },
  'singpass-enc': { alg: 'ECDH-ES+A256KW', use: 'enc' },
};

export const familyOf = (k: SigningKeyRecord): KeyFamily => k.family ?? 'sgid';

/** The keys of one family. */
export function keysOf(keys: readonly SigningKeyRecord[], family: KeyFamily): SigningKeyRecord[] {
  return keys.filter((k) => familyOf(k) === family);
}

export async function createSigningKey(activateAt: number, createdAt = Date.now(), family: KeyFamily = 'sgid'): Promise<SigningKeyRecord> {
  const { alg, use } = FAMILY[family];
  const { privateKey } = await generateKeyPair(alg, alg === 'RS256' ? { modulusLength: 2048, extractable: true } : { crv: 'P-256', extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  return { kid, ...(family === 'sgid' ? {} : { family }), privateJwk: { ...privateJwk, kid, alg, use }, status: 'next', createdAt, activateAt };
}

/** The public JWK of a provider key: no private member ever leaves. */
function publicPart(jwk: JWK): JWK {
  const { kty, kid, alg, use } = jwk;
  return kty === 'RSA' ? { kty, n: jwk.n, e: jwk.e, kid, alg, use } : { kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg, use };
}

/** Which key signs at `now`: the latest-activated one. */
export function signingKeyAt(keys: readonly SigningKeyRecord[], now: number): SigningKeyRecord | undefined {
  let best: SigningKeyRecord | undefined;
  for (const k of keys) {
    const at = k.activateAt ?? k.createdAt;
    if (at <= now && (k.removeAt === undefined || k.removeAt > now)) {
      if (!best || at > (best.activateAt ?? best.createdAt)) best = k;
    }
  }
  return best;
}

/** The role of each key at `now`, for `keys list` and the portal. */
export function describeKey(k: SigningKeyRecord, signing: SigningKeyRecord | undefined, now: number): string {
  if (k.removeAt !== undefined && k.removeAt <= now) return 'removed';
  if (signing && k.kid === signing.kid) return 'active';
  if ((k.activateAt ?? k.createdAt) > now) return 'next';
  return 'retiring';
}

export class KeyRing {
  /** sgID's keys. */
  private keys: SigningKeyRecord[] = [];
  /** Singpass's signing keys and its encryption key. */
  private singpassKeys: SigningKeyRecord[] = [];
  private singpassEncKeys: SigningKeyRecord[] = [];
  private loadedAt = 0;
  private reloading: Promise<void> | undefined;
  private readonly imported = new Map<string, KeyObject>();
  private jwksCache: { at: number; body: string } | undefined;
  private singpassJwksCache: { at: number; body: string } | undefined;
  private readonly reloadMs: number;
  private readonly now: Clock;

  constructor(
    private readonly store: Store,
    opts: { reloadMs?: number; now?: Clock } = {},
  ) {
    this.reloadMs = opts.reloadMs ?? KEY_RELOAD_MS;
    this.now = opts.now ?? systemClock;
  }

  /**
   * Loads the keys, creating the first key of each family when the store has none (one winner
   * across processes): sgID's RS256 key, Singpass's ES256 signing key and its encryption key.
   */
  async init(): Promise<void> {
    await this.reload();
    const families: [KeyFamily, string, () => SigningKeyRecord[]][] = [
      ['sgid', 'first-signing-kid', () => this.keys],
      ['singpass', 'first-singpass-signing-kid', () => this.singpassKeys],
      ['singpass-enc', 'first-singpass-encryption-kid', () => this.singpassEncKeys],
    ];
    for (const [family, setting, loaded] of families) {
      if (loaded().length > 0) continue;
      const first = await createSigningKey(0, this.now(), family);
      // Processes starting together on one store agree on the first key through initSetting.
      const winner = await this.store.initSetting(setting, first.kid);
      if (winner === first.kid) await this.store.putKey({ ...first, status: 'active' });
      await this.reload();
      // Lost the race: the winner stores its key just after winning; wait for it a little.
      for (let i = 0; i < 50 && loaded().length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await this.reload();
      }
      if (loaded().length === 0) throw new Error(`no ${family} key in the store after creating one`);
    }
  }

  private async reload(): Promise<void> {
    const keys = await this.store.listKeys();
    this.keys = keysOf(keys, 'sgid');
    this.singpassKeys = keysOf(keys, 'singpass');
    this.singpassEncKeys = keysOf(keys, 'singpass-enc');
    this.loadedAt = this.now();
    this.jwksCache = undefined;
    this.singpassJwksCache = undefined;
    for (const kid of this.imported.keys()) if (!keys.some((k) => k.kid === kid)) this.imported.delete(kid);
  }

  /**
   * Starts a reload when the keys are older than the reload interval, without waiting for it:
   * the keys in hand stay valid (the signing key is chosen by time), and a failing store keeps
   * serving them. One reload at a time; a failed one is retried on the next interval.
   */
  private fresh(): void {
    if (this.reloading || this.now() - this.loadedAt < this.reloadMs) return;
    this.reloading = this.reload()
      .catch(() => {
        this.loadedAt = this.now();
      })
      .finally(() => (this.reloading = undefined));
  }

  private importKey(rec: SigningKeyRecord): KeyObject {
    let key = this.imported.get(rec.kid);
    if (!key) {
      // Imported once per kid: parsing the JWK into a key costs far more than a signature.
      key = createPrivateKey({ key: rec.privateJwk as JsonWebKey, format: 'jwk' });
      this.imported.set(rec.kid, key);
    }
    return key;
  }

  /** The key that signs sgID ID tokens now, imported (cached). */
  async active(): Promise<ActiveKey> {
    this.fresh();
    const rec = signingKeyAt(this.keys, this.now());
    if (!rec) throw new Error('no active signing key: run `sgid-provider keys list`');
    return { kid: rec.kid, key: this.importKey(rec) };
  }

  /** The ES256 key that signs Singpass ID tokens, access tokens and userinfo now. Synchronous: it sits on the hot path. */
  singpassSigning(): ActiveKey {
    this.fresh();
    const rec = signingKeyAt(this.singpassKeys, this.now());
    if (!rec) throw new Error('no active Singpass signing key: run `sgid-provider singpass keys list`');
    return { kid: rec.kid, key: this.importKey(rec) };
  }

  /** Singpass's JWKS body: its ES256 signing keys (next, active, retiring) and its encryption key. */
  singpassJwks(): string {
    this.fresh();
    const now = this.now();
    if (this.singpassJwksCache && now - this.singpassJwksCache.at < 1_000) return this.singpassJwksCache.body;
    const live = (k: SigningKeyRecord) => k.removeAt === undefined || k.removeAt > now;
    const keys = [...this.singpassKeys.filter(live), ...this.singpassEncKeys.filter(live)].map((k) => publicPart(k.privateJwk));
    const body = JSON.stringify({ keys });
    this.singpassJwksCache = { at: now, body };
    return body;
  }

  /** The JWKS body (public keys only): next, active and retiring keys. Cached between reloads. */
  async jwks(): Promise<string> {
    this.fresh();
    const now = this.now();
    if (this.jwksCache && now - this.jwksCache.at < 1_000) return this.jwksCache.body;
    const keys = this.keys.filter((k) => k.removeAt === undefined || k.removeAt > now).map((k) => publicPart(k.privateJwk));
    const body = JSON.stringify({ keys });
    this.jwksCache = { at: now, body };
    return body;
  }

  all(): readonly SigningKeyRecord[] {
    return this.keys;
  }
}

/**
 * Rotation without downtime: publish a new key now, let it sign after `delaySeconds`, and
 * keep the current key published until every token it signed has expired.
 *
 * Every key that has no end yet gets one — the current key, and a key from an earlier
 * rotation that is still waiting to sign (it signs until the new key takes over) — so that no
 * key stays published for ever. `tokenTtlSeconds` must be the servers' --token-ttl.
 */
export async function rotateKeys(
  store: Store,
  delaySeconds: number,
  tokenTtlSeconds: number,
  now = Date.now(),
  family: KeyFamily = 'sgid',
): Promise<SigningKeyRecord> {
  const keys = keysOf(await store.listKeys(), family);
  const next = await createSigningKey(now + delaySeconds * 1000, now, family);
  // Published first: from here on, every process's next reload (within a second) serves it.
  await store.putKey(next);
  const removeAt = next.activateAt! + tokenTtlSeconds * 1000;
  for (const k of keys) {
    if (k.removeAt === undefined) await store.putKey({ ...k, status: 'retired', removeAt });
  }
  // Keys whose time is over leave the store.
  for (const k of keys) if (k.removeAt !== undefined && k.removeAt <= now) await store.deleteKey(k.kid);
  return next;
}
