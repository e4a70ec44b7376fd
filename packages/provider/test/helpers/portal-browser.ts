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

/** A browser: a cookie jar for the portal, no automatic redirects. */
export class Browser {
  readonly jar = new Map<string, string>();
  readonly setCookies: string[] = [];
  constructor(readonly origin: string) {}

  private remember(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      this.setCookies.push(c);
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.jar.size ? { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(path: string): Promise<{ res: Response; html: string }> {
    const res = await fetch(this.origin + path, { headers: { accept: 'text/html', ...this.cookieHeader() }, redirect: 'manual' });
    this.remember(res);
    return { res, html: await res.text() };
  }

  /** POSTs a form; `csrf` is added from `fromPage` unless given in `fields`. */
  async post(path: string, fields: Fields, fromPage?: string, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const all: Fields = { ...fields };
    if (fromPage !== undefined && all['csrf'] === undefined) all['csrf'] = scrape(fromPage, /name="csrf" value="([^"]+)"/, 'CSRF token');
    const res = await fetch(this.origin + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...this.cookieHeader(), ...headers },
      body: formBody(all),
      redirect: 'manual',
    });
    this.remember(res);
    return { res, html: await res.text() };
  }

  /** Opens the registration form and submits it. */
  async register(fields: Fields): Promise<{ res: Response; html: string }> {
    const form = await this.get('/portal/clients/new');
    assert.equal(form.res.status, 200, form.html.slice(0, 500));
    return this.post('/portal/clients', fields, form.html);
  }
}

/** The credentials file behind the page's download link (a data: URL, nothing stored server-side). */
export function downloadedCredentials(page: string): ClientCredentials {
  const href = scrape(page, /<a class="button" id="download-credentials" href="([^"]+)" download="[^"]+\.json"/, 'download link');
  const m = /^data:application\/json;base64,([A-Za-z0-9+/=]+)$/.exec(href);
  assert.ok(m, `not a base64 JSON data: URL: ${href.slice(0, 80)}`);
  return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as ClientCredentials;
}

