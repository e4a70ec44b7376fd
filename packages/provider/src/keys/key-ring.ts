/**
 * The provider's ID-token signing keys. A key's role is derived from times stored with it,
 * so that any number of processes agree without a background job:
 * - it signs once `activateAt` has passed and no key with a later `activateAt` has;
 * - it is published in the JWKS from creation until `removeAt` (set at rotation to the moment
 *   the last token it signed expires).
 * Private keys are imported once and cached; the ring reloads from the store every few
 * seconds so a `keys rotate` run elsewhere reaches every process.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK, KeyObject } from 'jose';
import type { SigningKeyRecord, Store } from '../store/types.js';

export interface ActiveKey {
  kid: string;
  key: CryptoKey | KeyObject;
}

const RELOAD_MS = 5_000;

export async function createSigningKey(activateAt = Date.now()): Promise<SigningKeyRecord> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  return { kid, privateJwk: { ...privateJwk, kid, alg: 'RS256', use: 'sig' }, status: 'next', createdAt: Date.now(), activateAt };
}

function publicPart(jwk: JWK): JWK {
  const { kty, n, e, kid } = jwk;
  return { kty, n, e, kid, alg: 'RS256', use: 'sig' };
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
  private keys: SigningKeyRecord[] = [];
  private loadedAt = 0;
  private reloading: Promise<void> | undefined;
  private readonly imported = new Map<string, Promise<CryptoKey | KeyObject>>();
  private jwksCache: { at: number; body: string } | undefined;

  constructor(private readonly store: Store) {}

  /** Loads the keys, creating the first one when the store has none (one winner across processes). */
  async init(): Promise<void> {
    await this.reload();
    if (this.keys.length === 0) {
      const first = await createSigningKey(0);
      // Processes starting together on one store agree on the first key through initSetting.
      const winner = await this.store.initSetting('first-signing-kid', first.kid);
      if (winner === first.kid) await this.store.putKey({ ...first, status: 'active' });
      await this.reload();
      if (this.keys.length === 0) throw new Error('no signing key in the store after creating one');
    }
  }

  private async reload(): Promise<void> {
    this.keys = await this.store.listKeys();
    this.loadedAt = Date.now();
    this.jwksCache = undefined;
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < RELOAD_MS) return;
    // One reload at a time; a failing store keeps serving the keys already loaded.
    this.reloading ??= this.reload()
      .catch(() => undefined)
      .finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  /** The key that signs now, imported (cached). */
  async active(): Promise<ActiveKey> {
    await this.fresh();
    const rec = signingKeyAt(this.keys, Date.now());
    if (!rec) throw new Error('no active signing key: run `sgid-provider keys list`');
    let key = this.imported.get(rec.kid);
    if (!key) {
      key = importJWK(rec.privateJwk, 'RS256') as Promise<CryptoKey | KeyObject>;
      this.imported.set(rec.kid, key);
    }
    return { kid: rec.kid, key: await key };
  }

  /** The JWKS body (public keys only): next, active and retiring keys. Cached between reloads. */
  async jwks(): Promise<string> {
    await this.fresh();
    const now = Date.now();
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
 */
export async function rotateKeys(store: Store, delaySeconds: number, tokenTtlSeconds: number): Promise<SigningKeyRecord> {
  const now = Date.now();
  const keys = await store.listKeys();
  const current = signingKeyAt(keys, now);
  const next = await createSigningKey(now + delaySeconds * 1000);
  await store.putKey(next);
  if (current) {
    await store.putKey({ ...current, status: 'retired', removeAt: next.activateAt! + tokenTtlSeconds * 1000 });
  }
  // Keys whose time is over leave the store.
  for (const k of keys) if (k.removeAt !== undefined && k.removeAt <= now) await store.deleteKey(k.kid);
  return next;
}
