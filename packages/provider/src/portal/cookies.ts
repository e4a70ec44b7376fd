/** The portal's cookies: parsed by hand (a few cookies do not need a plugin), under /portal. */

/** Cookie header → name/value map; the first occurrence of a name wins, malformed pairs are skipped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie. Absent: a session cookie (until the browser closes). */
  maxAge?: number;
  sameSite: 'Strict' | 'Lax';
  /** Set when the provider's public URL is https. */
  secure: boolean;
  /** Default /portal; a narrower path keeps a cookie to the one page that needs it. */
  path?: string;
}

/** A Set-Cookie value: HttpOnly, under /portal, never readable by scripts nor sent elsewhere. */
export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${opts.path ?? '/portal'}`, 'HttpOnly', `SameSite=${opts.sameSite}`];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
