/**
 * Admin sign-in for the portal when `adminToken` is configured.
 *
 * A session is a random id in an HttpOnly cookie; its record lives in the short-lived store
 * (Redis with PostgreSQL + Redis), under the id's hash, for `SESSION_TTL_MS`. So every
 * provider process accepts it, and signing out deletes the record: the cookie stops working at
 * once, on every process. (A signed stateless cookie could not be revoked before it expired.)
 * The record is bound to the admin token it was opened with: changing the token signs
 * everybody out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/types.js';
import { constantTimeEqual, randomToken, storageKey } from '../util/secrets.js';

export const SESSION_COOKIE = 'sgid_portal_session';
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

interface SessionRecord {
  /** Which admin token opened it (an HMAC of the token, never the token). */
  admin: string;
  createdAt: number;
  expiresAt: number;
}

/** A live session: its id is what CSRF tokens and one-time results are bound to. */
export interface PortalSession {
  id: string;
  expiresAt: number;
}

function adminFingerprint(adminToken: string): string {
  return createHmac('sha256', adminToken).update('sgid-portal-session-v2').digest('base64url');
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Opens a session; returns the cookie value (the id), which is stored only as its hash. */
export async function startSession(store: Store, adminToken: string, now: number): Promise<string> {
  const id = randomToken(32);
  const record: SessionRecord = { admin: adminFingerprint(adminToken), createdAt: now, expiresAt: now + SESSION_TTL_MS };
  await store.put('portal-session', storageKey(id), record, SESSION_TTL_MS);
  return id;
}

/** The session a cookie value names, when it is open and was opened with this admin token. */
export async function loadSession(store: Store, adminToken: string, cookie: string | undefined, now: number): Promise<PortalSession | undefined> {
  if (cookie === undefined || !SESSION_ID.test(cookie)) return undefined;
  const record = await store.get<SessionRecord>('portal-session', storageKey(cookie));
  if (!record || record.expiresAt <= now || !constantTimeEqual(record.admin, adminFingerprint(adminToken))) return undefined;
  return { id: cookie, expiresAt: record.expiresAt };
}

/** Ends a session everywhere (nothing happens for a value that names none). */
export async function endSession(store: Store, cookie: string | undefined): Promise<void> {
  if (cookie !== undefined && SESSION_ID.test(cookie)) await store.delete('portal-session', storageKey(cookie));
}

/**
 * Constant-time comparison of a typed token with the admin token: both are hashed first so
 * that neither the content nor the length leaks through timing.
 */
export function adminTokenMatches(adminToken: string, typed: unknown): boolean {
  if (typeof typed !== 'string' || typed.length > 1024) return false;
  const a = createHmac('sha256', 'sgid-portal-login').update(adminToken).digest();
  const b = createHmac('sha256', 'sgid-portal-login').update(typed).digest();
  return timingSafeEqual(a, b);
}
