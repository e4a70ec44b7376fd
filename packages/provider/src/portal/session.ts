/**
 * Admin sign-in for the portal when `adminToken` is configured. The session cookie is
 * stateless — `v1.<expiry ms>.<HMAC>` — so that every provider process accepts it without a
 * shared session table, and it is unforgeable without the key, which is derived from the admin
 * token itself (changing the token signs everybody out; nothing extra needs storing).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { constantTimeEqual } from '../util/secrets.js';

export const SESSION_COOKIE = 'sgid_portal_session';
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

function sessionKey(adminToken: string): Buffer {
  return createHmac('sha256', adminToken).update('sgid-portal-session-v1').digest();
}

function mac(adminToken: string, expires: number): string {
  return createHmac('sha256', sessionKey(adminToken)).update(`session.${expires}`).digest('base64url');
}

/** The cookie value of a new session ending `ttlMs` from `now`. */
export function issueSession(adminToken: string, now = Date.now(), ttlMs = SESSION_TTL_MS): string {
  const expires = now + ttlMs;
  return `v1.${expires}.${mac(adminToken, expires)}`;
}

/** Whether a cookie value is a session signed with this admin token that has not expired. */
export function sessionValid(adminToken: string, value: string | undefined, now = Date.now()): boolean {
  const m = /^v1\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!m) return false;
  const expires = Number(m[1]);
  return constantTimeEqual(mac(adminToken, expires), m[2]!) && expires > now;
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
