/**
 * CSRF protection of every portal form, stateless so that any provider process can check it:
 * a signed double-submit token bound to the signed-in session. The browser holds a random
 * value in an HttpOnly, SameSite=Strict cookie; each form carries HMAC(key, value ‖ session
 * id) in a hidden field. A POST is accepted only when the field matches the cookie AND the
 * session it is sent with. Without the binding, anyone could fetch the token of a cookie value
 * of their choice (the sign-in page hands it out) and plant that cookie in a signed-in admin's
 * browser from another app on the same host (cookies ignore ports); with it, the token is
 * worth nothing without the session id, which never leaves that browser's HttpOnly cookie.
 * The Origin header (or, when it is "null", Sec-Fetch-Site) must also say the form came from
 * the provider's own pages. In dev mode there are no sessions (the portal is open to anyone
 * who can reach it, so there is nothing more a planted cookie could gain).
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual, randomToken } from '../util/secrets.js';

export const CSRF_COOKIE = 'sgid_portal_csrf';
/** The hidden form field that carries the token. */
export const CSRF_FIELD = 'csrf';

/** The HMAC key of CSRF tokens, derived from a secret kept in the store (and the admin token, if any). */
export function csrfKey(storeSecret: string, adminToken: string | undefined): Buffer {
  return createHmac('sha256', storeSecret).update(`sgid-portal-csrf-v1\u0000${adminToken ?? ''}`).digest();
}

/** A fresh random cookie value. */
export function newCsrfCookieValue(): string {
  return randomToken(24);
}

/** Whether a cookie value has the shape we issue (anything else is replaced). */
export function isCsrfCookieValue(v: string | undefined): v is string {
  return v !== undefined && /^[A-Za-z0-9_-]{32}$/.test(v);
}

/** The token that a form carries for this cookie value and session (none before sign-in). */
export function csrfToken(key: Buffer, cookieValue: string, sessionId: string | undefined): string {
  return createHmac('sha256', key).update(`${cookieValue}\u0000${sessionId ?? ''}`).digest('base64url');
}

/** Constant-time check of a submitted token against the browser's cookie and session. */
export function csrfTokenMatches(key: Buffer, cookieValue: string | undefined, sessionId: string | undefined, submitted: unknown): boolean {
  if (!isCsrfCookieValue(cookieValue) || typeof submitted !== 'string') return false;
  return constantTimeEqual(csrfToken(key, cookieValue, sessionId), submitted);
}

/**
 * Where a POST comes from. When the browser names another origin, the request is refused.
 * The provider sends `Referrer-Policy: no-referrer`, under which browsers send `Origin: null`
 * even for the portal's own forms; then (and when Origin is absent) Fetch Metadata decides:
 * `Sec-Fetch-Site`, when sent, must be `same-origin`. Clients that send neither (curl, tests,
 * old browsers) rely on the CSRF token alone.
 */
export function originAllowed(origin: string | undefined, secFetchSite: string | undefined, publicOrigin: string): boolean {
  if (origin !== undefined && origin !== 'null') return origin === publicOrigin;
  return secFetchSite === undefined || secFetchSite === 'same-origin';
}
