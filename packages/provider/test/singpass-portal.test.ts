/**
 * The portal's Singpass pages over HTTP, as a browser uses them (cookie jar, CSRF token from
 * the page): registration with every mistake listed, post/redirect/get, settings, deletion
 * after confirmation, the portal's CSRF and sign-in checks — and a login by a client registered
 * there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { builtInPersonas } from '../src/wallet/personas/index.js';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { SingpassRp } from './helpers/singpass-rp.js';

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

class Browser {
  private readonly jar = new Map<string, string>();
  constructor(readonly origin: string) {}
  private cookie(): Record<string, string> {
    return this.jar.size ? { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }
  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      this.jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
  }
  async get(path: string) {
    const res = await fetch(this.origin + path, { headers: { accept: 'text/html', ...this.cookie() }, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }
  async post(path: string, fields: [string, string][], csrfFrom?: string) {
    const all = [...fields];
    if (csrfFrom !== undefined) all.push(['csrf', decode(/name="csrf" value="([^"]+)"/.exec(csrfFrom)![1]!)]);
    const res = await fetch(this.origin + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...this.cookie() },
      body: new URLSearchParams(all).toString(),
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }
}

async function publicJwks(): Promise<{ json: string; sig: CryptoKey; enc: CryptoKey }> {
  const sig = await generateKeyPair('ES256', { extractable: true });
  const enc = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(sig.publicKey)), kid: 's', use: 'sig', alg: 'ES256' }, { ...(await exportJWK(enc.publicKey)), kid: 'e', use: 'enc', alg: 'ECDH-ES+A256KW' }] };
  return { json: JSON.stringify(jwks), sig: sig.privateKey as unknown as CryptoKey, enc: enc.privateKey as unknown as CryptoKey };
}

describe('portal: Singpass clients', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider({ autoApprove: builtInPersonas(new Date())[0]!.id });
  });
  after(() => p.close());

  test('register: every mistake listed at once beside its field; nothing registered', async () => {
    const b = new Browser(p.url);
    const form = await b.get('/portal/singpass/new');
    assert.equal(form.status, 200);
    const r = await b.post('/portal/singpass', [['name', ''], ['appType', 'login'], ['scopes', 'uinfin'], ['redirectUris', 'not a url'], ['jwksUri', 'ftp://x'], ['legacyProfile', 'direct']], form.html);
    assert.equal(r.status, 400);
    assert.match(r.html, /There are 4 problems/);
    for (const f of ['name', 'scopes', 'redirectUris', 'jwksUri']) assert.match(r.html, new RegExp(`href="#sp-${f}"`), f);
    assert.match(r.html, /scope uinfin not allowed: a Login app may request/);
    assert.match(r.html, /value="ftp:\/\/x"/, 'what was typed is kept');
    assert.deepEqual(await p.store.listSingpassClients(), []);
  });

  test('register → 303 to its page; edit → 303 ?saved=1; a client registered here logs in', async () => {
    const b = new Browser(p.url);
    const keys = await publicJwks();
    const form = await b.get('/portal/singpass/new');
    const created = await b.post(
      '/portal/singpass',
      [['name', 'Portal Myinfo app'], ['description', 'Made in the portal'], ['appType', 'myinfo'], ['scopes', 'uinfin'], ['scopes', 'name'], ['redirectUris', 'http://localhost:3080/callback'], ['jwks', keys.json], ['legacyProfile', 'direct_pii_allowed']],
      form.html,
    );
    assert.equal(created.status, 303, created.html.slice(0, 500));
    const id = /\/portal\/singpass\/([A-Za-z0-9]{32})\?created=1$/.exec(created.location ?? '')?.[1];
    assert.ok(id, created.location ?? '');
    const page = await b.get(`/portal/singpass/${id}?created=1`);
    assert.match(page.html, /Singpass client registered\./);
    assert.match(page.html, new RegExp(`${p.url}/fapi`));
    const client = (await p.store.getSingpassClient(id))!;
    assert.deepEqual(client.scopes, ['openid', 'uinfin', 'name']);
    assert.equal(client.legacyProfile, 'direct_pii_allowed');

    const edited = await b.post(
      `/portal/singpass/${id}`,
      [['name', 'Renamed'], ['appType', 'myinfo'], ['scopes', 'uinfin'], ['redirectUris', 'http://localhost:3080/callback'], ['jwks', keys.json], ['legacyProfile', 'direct']],
      page.html,
    );
    assert.equal(edited.status, 303);
    assert.equal(edited.location, `/portal/singpass/${id}?saved=1`);
    assert.equal((await p.store.getSingpassClient(id))!.name, 'Renamed');

    // The registration works: an RP with those keys logs in.
    const list = await b.get('/portal/singpass');
    assert.match(list.html, /Renamed/);
    const rp = await SingpassRp.register(p, { appType: 'myinfo', scopes: 'openid uinfin' });
    assert.ok((await rp.tokens()).id_token);
  });

  test('delete after confirmation; a POST without the CSRF token is refused', async () => {
    const b = new Browser(p.url);
    const keys = await publicJwks();
    const form = await b.get('/portal/singpass/new');
    const created = await b.post('/portal/singpass', [['name', 'To delete'], ['appType', 'login'], ['scopes', 'name'], ['redirectUris', 'https://rp.example/cb'], ['jwks', keys.json]], form.html);
    const href = created.location!.replace('?created=1', '');
    const confirm = await b.get(`${href}/delete`);
    assert.match(confirm.html, /Delete To delete\?/);
    const forged = await b.post(`${href}/delete`, [['csrf', 'forged']]);
    assert.equal(forged.status, 403);
    const done = await b.post(`${href}/delete`, [], confirm.html);
    assert.equal(done.status, 303);
    assert.equal(done.location, '/portal/singpass?deleted=1');
    assert.equal((await b.get(href)).status, 404);
  });

  test('with --admin-token the Singpass pages need a session too', async () => {
    const guarded = await startProvider({ adminToken: 'admin-token-for-tests-0123456789' });
    try {
      const r = await new Browser(guarded.url).get('/portal/singpass');
      assert.equal(r.status, 303);
      assert.match(r.location ?? '', /^\/portal\/login\?next=%2Fportal%2Fsingpass/);
    } finally {
      await guarded.close();
    }
  });
});
