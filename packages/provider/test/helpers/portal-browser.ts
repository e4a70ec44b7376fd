/**
 * The developer portal as a browser uses it, over real HTTP: a cookie jar (Path and Max-Age
 * honoured as far as the portal uses them), forms with the CSRF token scraped from the page,
 * no automatic redirects (each test follows the ones it means to).
 */
import assert from 'node:assert/strict';
import type { ClientCredentials } from 'sgid-protocol';

export const decodeEntities = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function scrape(page: string, pattern: RegExp, what: string): string {
  const m = pattern.exec(page);
  assert.ok(m, `${what} not found in page:\n${page.slice(0, 3000)}`);
  return decodeEntities(m[1]!);
}

export type Fields = Record<string, string | string[]>;

export function formBody(fields: Fields): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
}

export interface Page {
  res: Response;
  html: string;
}

/** A form sent as a browser sends it: the POST's answer, and the page its redirect leads to. */
export interface Submitted extends Page {
  /** The answer to the POST itself (a 303 when the portal redirects). */
  post: Response;
}

/**
 * A browser: a cookie jar for the portal, no automatic redirects (`submit` follows the one a
 * form's POST answers with). Cookies set for /portal are in `jar`; a cookie set for a narrower
 * path (a one-time result's key) is sent only under that path, as a browser does.
 */
export class Browser {
  readonly jar = new Map<string, string>();
  /** Cookies with a Path other than /portal: path → name → value. */
  readonly scoped = new Map<string, Map<string, string>>();
  readonly setCookies: string[] = [];
  constructor(readonly origin: string) {}

  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = /;\s*Path=([^;]+)/i.exec(c)?.[1] ?? '/portal';
      const jar = path === '/portal' ? this.jar : (this.scoped.get(path) ?? this.scoped.set(path, new Map()).get(path)!);
      if (/Max-Age=0/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  private cookieHeader(path: string): Record<string, string> {
    const pathname = path.split('?')[0]!;
    const pairs = [...this.jar];
    for (const [p, cookies] of this.scoped) if (pathname === p || pathname.startsWith(`${p}/`)) pairs.unshift(...cookies);
    return pairs.length ? { cookie: pairs.map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(path: string): Promise<Page> {
    const res = await fetch(this.origin + path, { headers: { accept: 'text/html', ...this.cookieHeader(path) }, redirect: 'manual' });
    this.remember(res);
    return { res, html: await res.text() };
  }

  /** POSTs a form; `csrf` is added from `fromPage` unless given in `fields`. Does not follow a redirect. */
  async post(path: string, fields: Fields, fromPage?: string, headers: Record<string, string> = {}): Promise<Page> {
    const all: Fields = { ...fields };
    if (fromPage !== undefined && all['csrf'] === undefined) all['csrf'] = scrape(fromPage, /name="csrf" value="([^"]+)"/, 'CSRF token');
    const res = await fetch(this.origin + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...this.cookieHeader(path), ...headers },
      body: formBody(all),
      redirect: 'manual',
    });
    this.remember(res);
    return { res, html: await res.text() };
  }

  /** POSTs a form as `post` does, then follows its 303 (if any) as a browser would. */
  async submit(path: string, fields: Fields, fromPage?: string, headers: Record<string, string> = {}): Promise<Submitted> {
    const posted = await this.post(path, fields, fromPage, headers);
    if (posted.res.status !== 303) return { ...posted, post: posted.res };
    const location = posted.res.headers.get('location');
    assert.ok(location?.startsWith('/'), `a redirect within the provider: ${location}`);
    return { ...(await this.get(location!)), post: posted.res };
  }

  /** Opens the registration form and submits it (following the redirect). */
  async register(fields: Fields): Promise<Submitted> {
    const form = await this.get('/portal/clients/new');
    assert.equal(form.res.status, 200, form.html.slice(0, 500));
    return this.submit('/portal/clients', fields, form.html);
  }
}

/** The credentials file behind the page's download link (a data: URL, nothing stored server-side). */
export function downloadedCredentials(page: string): ClientCredentials {
  const href = scrape(page, /<a class="button" id="download-credentials" href="([^"]+)" download="[^"]+\.json"/, 'download link');
  const m = /^data:application\/json;base64,([A-Za-z0-9+/=]+)$/.exec(href);
  assert.ok(m, `not a base64 JSON data: URL: ${href.slice(0, 80)}`);
  return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as ClientCredentials;
}

