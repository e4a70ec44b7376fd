/**
 * The example end to end over HTTP, without a browser: the provider in automation mode (real
 * SQLite), both clients registered with the example's JWKS URLs (the provider fetches them), and
 * a cookie jar following the redirects as a browser would.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { builtInPersonas } from '../../../packages/provider/src/wallet/personas/index.ts';
import type { RunningExample } from '../src/index.ts';
import { setUpExample, type ExampleSetup } from './setup.ts';

/** Cookies as a browser keeps them for one origin (enough for these tests). */
class Browser {
  readonly #jar = new Map<string, string>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const set of response.headers.getSetCookie()) {
      const [pair, ...attributes] = set.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (value === '' || attributes.some((a) => /max-age=0/i.test(a.trim()))) this.#jar.delete(name);
      else this.#jar.set(name, value);
    }
    return response;
  }

  /** The URLs visited by the last `follow`. */
  visited: string[] = [];

  /** Follows redirects (at most 10), returning the last response. */
  async follow(url: string): Promise<Response> {
    this.visited = [url];
    let response = await this.get(url);
    for (let i = 0; i < 10 && response.status >= 300 && response.status < 400; i++) {
      url = new URL(response.headers.get('location')!, url).href;
      this.visited.push(url);
      response = await this.get(url);
    }
    return response;
  }
}

describe('singpass-express example, over HTTP', () => {
  let setup: ExampleSetup;
  let example: RunningExample;
  const persona = builtInPersonas(new Date())[0]!;

  before(async () => {
    setup = await setUpExample({ autoApprove: persona.id });
    example = setup.example;
  });
  after(() => setup.close());

  it('Login app: the person’s NRIC and name from the ID token, then logout', async () => {
    const browser = new Browser();
    const home = await browser.follow(`${example.url}/login`);
    assert.equal(home.status, 200);
    const page = await home.text();
    assert.match(page, /Logged in with Singpass/);
    assert.ok(page.includes(persona.id), 'the NRIC');
    assert.ok(page.includes(persona.values['myinfo.name']!), 'the name');
    const out = await browser.get(`${example.url}/logout`, { method: 'POST' });
    assert.equal(out.status, 303);
    assert.match(await (await browser.follow(example.url)).text(), /Log in with Singpass/);
  });

  it('Myinfo app: the person’s Myinfo data from userinfo, as plain values', async () => {
    const browser = new Browser();
    const page = await (await browser.follow(`${example.url}/myinfo`)).text();
    assert.match(page, /Your Myinfo data/);
    assert.ok(page.includes(persona.values['myinfo.name']!), 'the name');
    assert.match(page, /data-label="Registered address"/);
    assert.match(page, /data-label="Mobile number"><span class="value">\+65 \d{8}</);
  });

  it('the Back button to a finished login’s callback: the page says so, and the user stays logged in', async () => {
    const browser = new Browser();
    await browser.follow(`${example.url}/login`);
    const callback = browser.visited.find((u) => u.includes('/login/callback?'));
    assert.ok(callback, `visited the callback: ${browser.visited.join(' → ')}`);
    const page = await (await browser.follow(callback)).text();
    assert.match(page, /That login had already finished/);
    assert.match(page, /Logged in with Singpass/);
    assert.ok(page.includes(persona.id));
  });

  it('serves each app’s public JWKS (no private members)', async () => {
    for (const kind of ['login', 'myinfo']) {
      const jwks = (await (await fetch(`${example.url}/${kind}/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
      assert.deepEqual(jwks.keys.map((k) => k.use).sort(), ['enc', 'sig']);
      assert.ok(jwks.keys.every((k) => k.d === undefined));
    }
  });

  it('a callback this browser did not start is refused with a page that says so, echoing nothing', async () => {
    const browser = new Browser();
    const res = await browser.follow(`${example.url}/login/callback?code=forged&state=forged&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    const page = await res.text();
    assert.match(page, /did not start that login/);
    assert.doesNotMatch(page, /<script|alert\(1\)/);
    const declined = await (await browser.follow(`${example.url}/myinfo/callback?error=access_denied&error_description=Call%20555-0100&state=x`)).text();
    assert.match(declined, /cancelled or refused in Singpass/);
    assert.doesNotMatch(declined, /555-0100/);
  });
});
