/**
 * What a portal action produced that must be shown exactly once — new credentials, a rotated
 * secret, a new key pair — carried from the POST that did it to the page the browser is
 * redirected to (post/redirect/get), so that reloading that page shows it again never and
 * repeats the action never.
 *
 * The result waits in the short-lived store for a few minutes under the hash of a random id,
 * ENCRYPTED (AES-256-GCM) with a key that only the browser holds, in a cookie scoped to the
 * result's own URL. So the store never holds a usable secret or private key (the provider's
 * promise: client private keys are never stored), and a copy of the URL is worth nothing
 * elsewhere. The ciphertext is also bound (as GCM additional data) to the browser's session —
 * the signed-in session, or in dev mode the browser's CSRF cookie — so it opens only there.
 * Viewing consumes it (atomically: of two tabs, one shows it); a reload finds it gone.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ClientCredentials } from 'sgid-protocol';
import type { Store } from '../store/types.js';
import { randomToken, storageKey } from '../util/secrets.js';

/** How long a result waits for its page: the redirect is followed at once; this covers a retry. */
export const RESULT_TTL_MS = 10 * 60 * 1000;

/** The cookie that carries a result's key; its Path is the result's URL, so each result has its own. */
export const RESULT_COOKIE = 'sgid_portal_result';

export type OneTimeResult =
  | { kind: 'registered'; credentials: ClientCredentials }
  | { kind: 'secret'; clientId: string; clientName: string; secret: string }
  | { kind: 'keys'; clientId: string; clientName: string; publicKey: string; privateKey: string };

interface StoredResult {
  clientId: string;
  kind: OneTimeResult['kind'];
  /** base64url: 12-byte IV ‖ ciphertext ‖ 16-byte tag. */
  sealed: string;
}

/** A kept result: the id goes into the URL, the key into the cookie. */
export interface KeptResult {
  id: string;
  key: string;
}

const ID = /^[A-Za-z0-9_-]{22}$/;
const KEY = /^[A-Za-z0-9_-]{43}$/;

function additionalData(id: string, clientId: string, binding: string): Buffer {
  return Buffer.from(`sgid-portal-result-v1\u0000${id}\u0000${clientId}\u0000${binding}`);
}

/** The URL path of a result (also its cookie's Path). */
export function resultPath(clientId: string, id: string): string {
  return `/portal/clients/${encodeURIComponent(clientId)}/results/${id}`;
}

/** Keeps `result` for one viewing by the browser `binding` names. */
export async function keepResult(store: Store, clientId: string, binding: string, result: OneTimeResult): Promise<KeptResult> {
  const id = randomToken(16);
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(id, clientId, binding));
  const body = Buffer.concat([cipher.update(JSON.stringify(result), 'utf8'), cipher.final()]);
  const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  const stored: StoredResult = { clientId, kind: result.kind, sealed };
  await store.put('portal-result', storageKey(id), stored, RESULT_TTL_MS);
  return { id, key: key.toString('base64url') };
}

export type TakenResult =
  | { status: 'shown'; result: OneTimeResult }
  /** Viewed already (a reload, another tab), expired, or never there. */
  | { status: 'gone' }
  /** Still there, but this browser or session cannot open it (no key cookie, another session). */
  | { status: 'elsewhere' };

/**
 * Opens and consumes a result. It is opened before it is consumed, so a request that cannot
 * open it (no key, another session) leaves it for the browser that can.
 */
export async function takeResult(store: Store, clientId: string, id: string, key: string | undefined, binding: string): Promise<TakenResult> {
  if (!ID.test(id)) return { status: 'gone' };
  const stored = await store.get<StoredResult>('portal-result', storageKey(id));
  if (!stored || stored.clientId !== clientId) return { status: 'gone' };
  if (key === undefined || !KEY.test(key)) return { status: 'elsewhere' };
  let result: OneTimeResult;
  try {
    const raw = Buffer.from(stored.sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(key, 'base64url'), raw.subarray(0, 12));
    decipher.setAAD(additionalData(id, clientId, binding));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    result = JSON.parse(Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8')) as OneTimeResult;
  } catch {
    return { status: 'elsewhere' };
  }
  // Of two tabs opening it at once, one shows it.
  if (!(await store.consume('portal-result', storageKey(id)))) return { status: 'gone' };
  return { status: 'shown', result };
}
