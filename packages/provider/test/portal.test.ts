/**
 * The developer portal over real HTTP, as a browser would use it: a cookie jar, forms with the
 * CSRF token scraped from the page. Registration, validation messages, credentials shown once
 * (and never stored), edit, rotations, deletion, CSRF and Origin refusals, admin sign-in, and
 * a full login by the official SDK with a client registered through the portal.
 */
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SgidClient, generatePkcePair } from '@opengovsg/sgid-client';
import { startProvider } from './helpers/provider.js';
import type { TestProvider } from './helpers/provider.js';
import { loginThroughWallet } from './helpers/wallet-flow.js';
import { Browser, decodeEntities, downloadedCredentials, formBody, scrape } from './helpers/portal-browser.js';

const REDIRECT = 'http://localhost:5001/api/redirect';

/** How the store keeps a client secret, worked out here: `sha256:` and the base64url SHA-256 of the secret. */
const storedHash = (secret: string) => `sha256:${createHash('sha256').update(secret).digest('base64url')}`;

async function tokenRequest(p: TestProvider, clientId: string, secret: string): Promise<{ status: number; error: string }> {
  const res = await fetch(`${p.url}/v2/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody({ grant_type: 'authorization_code', client_id: clientId, client_secret: secret, code: 'bogus-code', redirect_uri: REDIRECT, code_verifier: 'v'.repeat(43) }),
  });
  const body = (await res.json()) as { error: string };
  return { status: res.status, error: body.error };
}

function publicPemOf(privatePem: string): string {
  return createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString();
}

describe('developer portal (dev mode: no admin token)', () => {
  let p: TestProvider;
  before(async () => {
    p = await startProvider();
  });
  after(() => p.close());

  test('the portal is open, says so, and sets a strict HttpOnly CSRF cookie', async () => {
    const b = new Browser(p.url);
    const { res, html } = await b.get('/portal');
    assert.equal(res.status, 200);
    assert.match(html, /dev mode:<\/strong> portal open to anyone who can reach it/i);
    assert.match(html, /No client is registered yet/);
    const csrf = b.setCookies.find((c) => c.startsWith('sgid_portal_csrf='));
    assert.ok(csrf, 'CSRF cookie set');
    assert.match(csrf, /HttpOnly/);
    assert.match(csrf, /SameSite=Strict/);
    assert.match(csrf, /Path=\/portal/);
    assert.doesNotMatch(csrf, /Secure/, 'http public URL: no Secure flag');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  test('register through the form: credentials shown once, download holds them, the store keeps only the hash and the public key', async () => {
    const b = new Browser(p.url);
    const form = await b.get('/portal/clients/new');
    // Every scope of the catalog, with its label; openid checked and disabled.
    assert.match(form.html, /<legend>Scopes/);
    assert.match(form.html, /<input type="checkbox" id="scope-openid" checked disabled/);
    assert.match(form.html, /Date of birth/);
    assert.match(form.html, /<label for="field-name">Name<\/label>/);
    assert.match(form.html, /<label for="field-redirectUris">Redirect URLs<\/label>/);

    const { post, res, html } = await b.submit(
      '/portal/clients',
      { name: 'Ice Cream <Shop>', description: 'Buy ice cream <fast>', scopes: ['myinfo.name', 'myinfo.date_of_birth'], redirectUris: `${REDIRECT}\r\nhttp://localhost:5001/other\r\n` },
      form.html,
    );
    // Post/redirect/get: the POST answers 303 to the page that shows the credentials once.
    assert.equal(post.status, 303);
    const resultUrl = post.headers.get('location')!;
    assert.match(resultUrl, /^\/portal\/clients\/[A-Z0-9-]+\/results\/[A-Za-z0-9_-]{22}$/);
    assert.equal(res.status, 200, html.slice(0, 1000));
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(html, /not shown again/);
    // What the person typed is shown as text: escaped, never markup.
    assert.match(html, /<h1>Credentials of Ice Cream &lt;Shop&gt;<\/h1>/);
    assert.ok(!html.includes('<Shop>'), 'the name is not escaped on the credentials page');

    const id = scrape(html, /<code class="secret-value" id="client-id">([^<]+)<\/code>/, 'client id');
    const secret = scrape(html, /<code class="secret-value" id="client-secret">([^<]+)<\/code>/, 'secret');
    const privateKey = scrape(html, /<pre class="secret-value" id="private-key"[^>]*>([^<]+)<\/pre>/, 'private key');
    assert.match(secret, /^[A-Za-z0-9]{32}$/);
    assert.match(privateKey, /^-----BEGIN PRIVATE KEY-----/);

    const file = downloadedCredentials(html);
    assert.deepEqual(Object.keys(file).sort(), ['description', 'id', 'name', 'privateKey', 'publicKey', 'redirectUris', 'scopes', 'secret']);
    assert.equal(file.id, id);
    assert.equal(file.secret, secret);
    assert.equal(file.privateKey, privateKey);
    assert.equal(file.name, 'Ice Cream <Shop>');
    assert.equal(file.description, 'Buy ice cream <fast>');
    assert.deepEqual(file.scopes, ['openid', 'myinfo.name', 'myinfo.date_of_birth']);
    assert.deepEqual(file.redirectUris, [REDIRECT, 'http://localhost:5001/other']);
    assert.equal(publicPemOf(file.privateKey!), file.publicKey, 'the key pair matches');

    const stored = await p.store.getClient(id);
    assert.ok(stored);
    assert.equal(stored.secretHash, storedHash(secret));
    assert.equal(stored.publicKey, file.publicKey);
    const dump = JSON.stringify(stored);
    assert.ok(!dump.includes(secret), 'the secret is not stored');
    assert.ok(!dump.includes('PRIVATE KEY'), 'no private key is stored');

    // The list shows it, with a link to its page.
    const list = await b.get('/portal');
    assert.ok(list.html.includes('Ice Cream &lt;Shop&gt;'));
    assert.ok(!list.html.includes('<Shop>'), 'the name is not escaped in the list');
    // Each cell's text (ids and URLs carry <wbr> break points and unbreakable pieces).
    const codes = [...list.html.matchAll(/<code[^>]*>(.*?)<\/code>/g)].map((m) => decodeEntities(m[1]!.replace(/<[^>]+>/g, '')));
    assert.ok(codes.includes(id), `the client id among ${codes.join(' ')}`);
    assert.ok(list.html.includes(`href="/portal/clients/${id}"`));
    assert.ok(codes.includes(REDIRECT));
    assert.ok(codes.includes('myinfo.date_of_birth'));
    assert.match(list.html, /<time datetime="\d{4}-/);

    // The client page never shows the secret or a private key again.
    const page = await b.get(`/portal/clients/${id}`);
    assert.equal(page.res.status, 200);
    assert.ok(!page.html.includes(secret));
    assert.ok(!page.html.includes('PRIVATE KEY'));
    assert.match(page.html, /<h1>Ice Cream &lt;Shop&gt;<\/h1>/);
    assert.match(page.html, />Buy ice cream &lt;fast&gt;<\/textarea>/);
    assert.ok(!page.html.includes('<fast>') && !page.html.includes('<Shop>'), 'unescaped on the client page');
  });

  test('validation: each message is next to the field it concerns, linked from the summary, input kept', async () => {
    const b = new Browser(p.url);
    const { post, res, html } = await b.register({ name: '  ', description: 'kept description', scopes: ['myinfo.name', 'myinfo.bogus'], redirectUris: 'not a url\nhttp://localhost/ok' });
    // Refused, then redirected to the form, which shows the input and the messages (a reload too).
    assert.equal(post.status, 303);
    assert.match(post.headers.get('location') ?? '', /^\/portal\/clients\/new\?form=[A-Za-z0-9_-]{22}$/);
    assert.equal(res.status, 200);
    assert.match(html, /<title>Error: Register a client/);
    assert.match(html, /class="error-summary" role="alert"/);
    assert.match(html, /<a href="#field-name">name is required/);
    assert.match(html, /<a href="#field-scopes">unknown scope: myinfo\.bogus/);
    assert.match(html, /<a href="#field-redirectUris">redirect URL &quot;not a url&quot; is not an absolute URL/);
    // Next to the field, and pointed to by it.
    assert.match(html, /<p class="field-error" id="error-name">.*name is required/);
    assert.match(html, /id="field-name" name="name" value="  "[^>]*aria-describedby="hint-name error-name" aria-invalid="true"/);
    assert.match(html, /id="field-redirectUris"[^>]*aria-describedby="hint-redirectUris error-redirectUris" aria-invalid="true"[^>]*>not a url\nhttp:\/\/localhost\/ok<\/textarea>/);
    assert.match(html, /<fieldset class="scopes" aria-describedby="hint-scopes error-scopes"/);
    assert.match(html, />kept description<\/textarea>/);
    assert.match(html, /value="myinfo\.name" checked/);
    assert.equal((await p.store.listClients()).filter((c) => c.description === 'kept description').length, 0);

    const frag = await b.register({ name: 'Frag', scopes: 'myinfo.name', redirectUris: 'http://localhost/cb#x' });
    assert.equal(frag.post.status, 303);
    assert.match(frag.html, /<a href="#field-redirectUris">redirect URL &quot;http:\/\/localhost\/cb#x&quot; must not contain a fragment/);
    assert.doesNotMatch(frag.html, /href="#field-name"/);

    const none = await b.register({ name: 'No URLs', redirectUris: '\n \n' });
    assert.equal(none.post.status, 303);
    assert.match(none.html, /at least one redirect URL is required/);

    const long = await b.register({ name: 'x'.repeat(101), redirectUris: REDIRECT });
    assert.equal(long.post.status, 303);
    assert.match(long.html, /<a href="#field-name">name is 101 characters long; at most 100/);
  });

  test('every bad redirect URL is listed, in the summary and next to the field; the good ones are not', async () => {
    const b = new Browser(p.url);
    const urls = ['not a url', 'https://good.example/cb', 'ftp://files.example/cb', 'http://localhost/cb#frag', 'http://user:pw@localhost/cb'];
    const { post, html } = await b.register({ name: 'Many URLs', scopes: 'myinfo.bogus', redirectUris: urls.join('\n') });
    assert.equal(post.status, 303);
    const summary = scrape(html, /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/, 'error summary');
    assert.match(summary, /There are 5 problems/);
    const listed = [...summary.matchAll(/<li><a href="#([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => [m[1], decodeEntities(m[2]!)]);
    assert.deepEqual(listed, [
      ['field-scopes', 'unknown scope: myinfo.bogus (see `sgid-provider scopes` or the portal for the catalog)'],
      ['field-redirectUris', 'redirect URL "not a url" is not an absolute URL (e.g. http://localhost:5001/api/redirect)'],
      ['field-redirectUris', 'redirect URL "ftp://files.example/cb" must use http or https'],
      ['field-redirectUris', 'redirect URL "http://localhost/cb#frag" must not contain a fragment (#…) (RFC 6749 §3.1.2)'],
      ['field-redirectUris', 'redirect URL "http://user:pw@localhost/cb" must not contain credentials'],
    ]);
    // Next to the field: one item per URL, which the textarea points to.
    const next = scrape(html, /(<ul class="field-error" id="error-redirectUris">[\s\S]*?<\/ul>)/, 'field errors');
    assert.equal([...next.matchAll(/<li>/g)].length, 4);
    assert.doesNotMatch(next, /good\.example/);
    assert.match(html, /id="field-redirectUris"[^>]*aria-describedby="hint-redirectUris error-redirectUris" aria-invalid="true"/);
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Many URLs').length, 0);
  });

  test('edit name, description, scopes and redirect URLs; invalid edits change nothing', async () => {
    const b = new Browser(p.url);
    const reg = await b.register({ name: 'Editable', scopes: 'myinfo.name', redirectUris: REDIRECT });
    const id = downloadedCredentials(reg.html).id;
    const page = await b.get(`/portal/clients/${id}`);
    assert.match(page.html, /<textarea id="field-redirectUris"[^>]*>http:\/\/localhost:5001\/api\/redirect<\/textarea>/);

    const saved = await b.post(
      `/portal/clients/${id}`,
      { name: 'Edited', description: 'new words', scopes: ['myinfo.email', 'myinfo.sex'], redirectUris: 'https://app.example/cb\nhttp://localhost:3000/cb' },
      page.html,
    );
    assert.equal(saved.res.status, 303);
    assert.equal(saved.res.headers.get('location'), `/portal/clients/${id}?saved=1`);
    const after1 = await p.store.getClient(id);
    assert.equal(after1?.name, 'Edited');
    assert.equal(after1?.description, 'new words');
    assert.deepEqual(after1?.scopes, ['openid', 'myinfo.email', 'myinfo.sex']);
    assert.deepEqual(after1?.redirectUris, ['https://app.example/cb', 'http://localhost:3000/cb']);
    const shown = await b.get(`/portal/clients/${id}?saved=1`);
    assert.match(shown.html, /Changes saved/);
    assert.match(shown.html, /value="myinfo\.email" checked/);

    const bad = await b.submit(`/portal/clients/${id}`, { name: 'Edited again', scopes: 'myinfo.email', redirectUris: 'ftp://x/cb' }, page.html);
    assert.equal(bad.post.status, 303);
    assert.match(bad.post.headers.get('location') ?? '', new RegExp(`^/portal/clients/${id}\\?form=`));
    assert.match(bad.html, /<a href="#field-redirectUris">redirect URL &quot;ftp:\/\/x\/cb&quot; must use http or https/);
    assert.match(bad.html, /value="Edited again"/, 'input kept');
    assert.deepEqual(await p.store.getClient(id), after1, 'nothing changed');
  });

  test('rotate the secret: shown once; the old one is refused at the token endpoint, the new one accepted', async () => {
    const b = new Browser(p.url);
    const reg = await b.register({ name: 'Rotating', scopes: 'myinfo.name', redirectUris: REDIRECT });
    const creds = downloadedCredentials(reg.html);
    assert.deepEqual(await tokenRequest(p, creds.id, creds.secret), { status: 400, error: 'invalid_grant' }, 'secret accepted before');

    const confirm = await b.get(`/portal/clients/${creds.id}/rotate-secret`);
    assert.equal(confirm.res.status, 200);
    assert.match(confirm.html, /stops working at once/);
    const done = await b.submit(`/portal/clients/${creds.id}/rotate-secret`, {}, confirm.html);
    assert.equal(done.post.status, 303);
    assert.equal(done.res.status, 200, done.html.slice(0, 500));
    assert.match(done.html, /not shown again/);
    const secret = scrape(done.html, /<code class="secret-value" id="client-secret">([^<]+)<\/code>/, 'new secret');
    assert.notEqual(secret, creds.secret);

    assert.deepEqual(await tokenRequest(p, creds.id, creds.secret), { status: 401, error: 'invalid_client' });
    assert.deepEqual(await tokenRequest(p, creds.id, secret), { status: 400, error: 'invalid_grant' });
    assert.equal((await p.store.getClient(creds.id))?.secretHash, storedHash(secret));
  });

  test('rotate the key pair: the new private key is shown and downloadable once, the store keeps the new public key', async () => {
    const b = new Browser(p.url);
    const reg = await b.register({ name: 'Keys', scopes: 'myinfo.name', redirectUris: REDIRECT });
    const creds = downloadedCredentials(reg.html);
    const confirm = await b.get(`/portal/clients/${creds.id}/rotate-keys`);
    assert.match(confirm.html, /old private key cannot decrypt/);
    const done = await b.submit(`/portal/clients/${creds.id}/rotate-keys`, {}, confirm.html);
    assert.equal(done.post.status, 303);
    assert.equal(done.res.status, 200);
    const privateKey = scrape(done.html, /<pre class="secret-value" id="private-key"[^>]*>([^<]+)<\/pre>/, 'new private key');
    const href = scrape(done.html, /id="download-private-key" href="([^"]+)" download="[^"]+\.pem"/, 'key download');
    assert.equal(Buffer.from(href.replace(/^data:application\/x-pem-file;base64,/, ''), 'base64').toString(), privateKey);
    const stored = await p.store.getClient(creds.id);
    assert.notEqual(stored?.publicKey, creds.publicKey);
    assert.equal(stored?.publicKey, publicPemOf(privateKey));
    assert.ok(!JSON.stringify(stored).includes('PRIVATE KEY'));
    // The secret is untouched.
    assert.equal(stored?.secretHash, storedHash(creds.secret));
  });

  test('a reload never repeats an action nor shows a secret again: register, rotate secret, rotate keys', async () => {
    const b = new Browser(p.url);
    const countNamed = async (name: string) => (await p.store.listClients()).filter((c) => c.name === name).length;
    const reg = await b.register({ name: 'Reloaded', scopes: 'myinfo.name', redirectUris: REDIRECT });
    const creds = downloadedCredentials(reg.html);
    const registeredAt = reg.post.headers.get('location')!;

    // The results page again (a reload, Back, a second tab): already shown, nothing done.
    const reload = await b.get(registeredAt);
    assert.equal(reload.res.status, 410);
    assert.match(reload.html, /These credentials were already shown/);
    assert.ok(!reload.html.includes(creds.secret) && !reload.html.includes('PRIVATE KEY'), 'no secret on the reload');
    assert.ok(reload.html.includes(`href="/portal/clients/${creds.id}/rotate-secret"`), 'offers to rotate');
    assert.equal(await countNamed('Reloaded'), 1, 'one client, however often the page is loaded');

    const confirm = await b.get(`/portal/clients/${creds.id}/rotate-secret`);
    const rotated = await b.submit(`/portal/clients/${creds.id}/rotate-secret`, {}, confirm.html);
    const secret = scrape(rotated.html, /<code class="secret-value" id="client-secret">([^<]+)<\/code>/, 'new secret');
    const hash = (await p.store.getClient(creds.id))!.secretHash;
    const again = await b.get(rotated.post.headers.get('location')!);
    assert.equal(again.res.status, 410);
    assert.ok(!again.html.includes(secret));
    assert.equal((await p.store.getClient(creds.id))!.secretHash, hash, 'the reload did not rotate the secret again');
    assert.deepEqual(await tokenRequest(p, creds.id, secret), { status: 400, error: 'invalid_grant' }, 'the secret shown still works');

    const keysConfirm = await b.get(`/portal/clients/${creds.id}/rotate-keys`);
    const keys = await b.submit(`/portal/clients/${creds.id}/rotate-keys`, {}, keysConfirm.html);
    const publicKey = (await p.store.getClient(creds.id))!.publicKey;
    assert.equal(keys.res.status, 200);
    assert.equal((await b.get(keys.post.headers.get('location')!)).res.status, 410);
    assert.equal((await p.store.getClient(creds.id))!.publicKey, publicKey, 'the reload did not rotate the keys again');
  });

  test('a waiting result opens only in the browser that asked for it, and the store holds no usable secret', async () => {
    const b = new Browser(p.url);
    const form = await b.get('/portal/clients/new');
    const posted = await b.post('/portal/clients', { name: 'Waiting', scopes: 'myinfo.name', redirectUris: REDIRECT }, form.html);
    assert.equal(posted.res.status, 303);
    const location = posted.res.headers.get('location')!;
    const resultId = location.split('/').pop()!;
    // The key cookie is scoped to the result page alone.
    const keyCookie = b.setCookies.find((c) => c.startsWith('sgid_portal_result='))!;
    assert.ok(keyCookie.includes(`Path=${location}`), keyCookie);
    assert.match(keyCookie, /HttpOnly/);
    assert.match(keyCookie, /SameSite=Strict/);
    assert.match(keyCookie, /Max-Age=\d+/);

    // While it waits, the store has ciphertext only: no secret, no private key in any form.
    const waiting = await p.store.get<Record<string, unknown>>('portal-result', createHash('sha256').update(resultId).digest('base64url'));
    assert.ok(waiting, 'control: the waiting result is found in the store');
    assert.doesNotMatch(JSON.stringify(waiting), /PRIVATE KEY|"secret"|BEGIN/);

    // Another browser with the URL (and even this browser's other cookies) cannot open it, and
    // does not use it up.
    const other = new Browser(p.url);
    const elsewhere = await other.get(location);
    assert.equal(elsewhere.res.status, 403);
    const thief = new Browser(p.url);
    for (const [k, v] of b.jar) thief.jar.set(k, v);
    assert.equal((await thief.get(location)).res.status, 403, 'the page needs the key cookie of its own path');

    // A HEAD of the page (a link checker, a prefetch) leaves it for the GET.
    const cookie = b.setCookies.find((c) => c.startsWith('sgid_portal_result='))!.split(';')[0]!;
    const head = await fetch(p.url + location, { method: 'HEAD', headers: { cookie: `${cookie}; ${[...b.jar].map(([k, v]) => `${k}=${v}`).join('; ')}` } });
    assert.equal(head.status, 200);
    const shown = await b.get(location);
    assert.equal(shown.res.status, 200);
    const creds = downloadedCredentials(shown.html);
    assert.equal(creds.name, 'Waiting');
    assert.ok(b.setCookies.some((c) => c.startsWith('sgid_portal_result=;') && c.includes(`Path=${location}`) && /Max-Age=0/.test(c)), 'the key cookie is cleared');
    assert.equal(await p.store.get('portal-result', createHash('sha256').update(resultId).digest('base64url')), undefined, 'consumed');
  });

  test('a refused form survives a reload: the page it redirects to shows it again, to this browser only', async () => {
    const b = new Browser(p.url);
    const refused = await b.register({ name: 'Kept', description: 'typed once', scopes: 'myinfo.name', redirectUris: 'not a url' });
    const location = refused.post.headers.get('location')!;
    const reload = await b.get(location);
    assert.equal(reload.res.status, 200);
    assert.match(reload.html, /value="Kept"/);
    assert.match(reload.html, />typed once<\/textarea>/);
    assert.match(reload.html, /redirect URL &quot;not a url&quot; is not an absolute URL/);
    const other = await new Browser(p.url).get(location);
    assert.equal(other.res.status, 200);
    assert.doesNotMatch(other.html, /typed once|not a url/, 'another browser gets an empty form');
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Kept').length, 0);
  });

  test('delete after a confirmation step; the client page is then a 404', async () => {
    const b = new Browser(p.url);
    const reg = await b.register({ name: 'Doomed', scopes: 'myinfo.name', redirectUris: REDIRECT });
    const { id } = downloadedCredentials(reg.html);
    const confirm = await b.get(`/portal/clients/${id}/delete`);
    assert.equal(confirm.res.status, 200);
    assert.match(confirm.html, /cannot be undone/);
    assert.ok(await p.store.getClient(id), 'the confirmation page deletes nothing');
    const done = await b.post(`/portal/clients/${id}/delete`, {}, confirm.html);
    assert.equal(done.res.status, 303);
    assert.equal(done.res.headers.get('location'), '/portal?deleted=1');
    assert.equal(await p.store.getClient(id), undefined);
    const gone = await b.get(`/portal/clients/${id}`);
    assert.equal(gone.res.status, 404);
    assert.match(gone.html, /Client not found/);
    const again = await b.post(`/portal/clients/${id}/delete`, {}, confirm.html);
    assert.equal(again.res.status, 404);
  });

  test('unknown client ids are 404 pages, never 500', async () => {
    const b = new Browser(p.url);
    for (const path of ['/portal/clients/NOPE-123', `/portal/clients/${'x'.repeat(200)}`, '/portal/clients/NOPE/rotate-keys', '/portal/clients/%3Cscript%3E']) {
      const { res, html } = await b.get(path);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(html, /<script>/);
    }
  });

  test('CSRF: a POST without a valid token, without the cookie, or from another origin is refused with 403', async () => {
    const b = new Browser(p.url);
    const form = await b.get('/portal/clients/new');
    const fields = { name: 'Forged', scopes: 'myinfo.name', redirectUris: REDIRECT };

    const noToken = await b.post('/portal/clients', fields);
    assert.equal(noToken.res.status, 403);
    assert.match(noToken.html, /This form has expired/);

    const wrong = await b.post('/portal/clients', { ...fields, csrf: 'A'.repeat(43) });
    assert.equal(wrong.res.status, 403);

    // A token from another browser (another cookie) does not work here.
    const other = new Browser(p.url);
    const otherForm = await other.get('/portal/clients/new');
    const swapped = await b.post('/portal/clients', fields, otherForm.html);
    assert.equal(swapped.res.status, 403);

    // The right token but no cookie.
    const noCookie = new Browser(p.url);
    const bare = await noCookie.post('/portal/clients', fields, form.html);
    assert.equal(bare.res.status, 403);

    const crossSite = await b.post('/portal/clients', fields, form.html, { origin: 'https://evil.example' });
    assert.equal(crossSite.res.status, 403);
    assert.match(crossSite.html, /sent from another site/);
    // Referrer-Policy: no-referrer makes browsers send "Origin: null"; then Sec-Fetch-Site decides.
    for (const site of ['cross-site', 'same-site']) {
      const r = await b.post('/portal/clients', fields, form.html, { origin: 'null', 'sec-fetch-site': site });
      assert.equal(r.res.status, 403, site);
    }

    for (const action of ['rotate-secret', 'rotate-keys', 'delete']) {
      const r = await b.post(`/portal/clients/ANY/${action}`, {});
      assert.equal(r.res.status, 403, action);
    }
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Forged').length, 0);

    // With the token it works, also as Chromium sends it under no-referrer.
    const ok = await b.post('/portal/clients', fields, form.html);
    assert.equal(ok.res.status, 303);
    const asChromium = await b.post('/portal/clients', fields, form.html, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    assert.equal(asChromium.res.status, 303);
  });

  test('odd bodies get a page, never a 500', async () => {
    const b = new Browser(p.url);
    const form = await b.get('/portal/clients/new');
    const csrf = scrape(form.html, /name="csrf" value="([^"]+)"/, 'csrf');
    const cookie = [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const json = await fetch(`${p.url}/portal/clients`, { method: 'POST', headers: { 'content-type': 'application/json', origin: p.url, cookie }, body: JSON.stringify({ csrf, name: ['a'], scopes: 5, redirectUris: { x: 1 } }), redirect: 'manual' });
    assert.equal(json.status, 303, 'a JSON body is read like a form: refused, with the messages on the form it redirects to');
    const shown = await b.get(json.headers.get('location')!);
    assert.match(shown.html, /name is required/);
    // A body that is not a form cannot carry the CSRF token: refused as a form from elsewhere.
    const text = await fetch(`${p.url}/portal/clients`, { method: 'POST', headers: { 'content-type': 'text/plain', cookie }, body: 'hello' });
    assert.equal(text.status, 403);
    assert.match(text.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await text.text(), /<h1[^>]*>This form has expired<\/h1>/);
    const dup = await b.post('/portal/clients', { name: ['a', 'b'], scopes: ['myinfo.name', 'myinfo.name'], redirectUris: [REDIRECT, REDIRECT] }, form.html);
    assert.equal(dup.res.status, 303);
    assert.match((await b.get(dup.res.headers.get('location')!)).html, /name is required/);
  });

  test('the official SDK logs in with a client registered through the portal', async () => {
    const b = new Browser(p.url);
    const reg = await b.register({ name: 'SDK app', description: 'Registered in the portal', scopes: ['myinfo.name', 'myinfo.nric_number'], redirectUris: REDIRECT });
    const creds = downloadedCredentials(reg.html);
    const sgid = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey!, redirectUri: REDIRECT, hostname: p.url });
    const { codeChallenge, codeVerifier } = generatePkcePair();
    const { url, nonce } = sgid.authorizationUrl({ codeChallenge, scope: ['openid', 'myinfo.name', 'myinfo.nric_number'], state: 'portal' });
    const back = await loginThroughWallet(url, p.defaultPersonaId);
    assert.equal(back.searchParams.get('state'), 'portal');
    const { sub, accessToken } = await sgid.callback({ code: back.searchParams.get('code')!, codeVerifier, nonce: nonce ?? null });
    const { data } = await sgid.userinfo({ sub, accessToken });
    assert.equal(data['myinfo.nric_number'], p.defaultPersonaId);
    assert.ok(data['myinfo.name']);

    // After a key rotation in the portal, the new private key decrypts; the old one does not.
    const confirm = await b.get(`/portal/clients/${creds.id}/rotate-keys`);
    const rotated = await b.submit(`/portal/clients/${creds.id}/rotate-keys`, {}, confirm.html);
    const newKey = scrape(rotated.html, /<pre class="secret-value" id="private-key"[^>]*>([^<]+)<\/pre>/, 'new private key');
    const login = async (client: SgidClient) => {
      const pair = generatePkcePair();
      const a = client.authorizationUrl({ codeChallenge: pair.codeChallenge, scope: ['openid', 'myinfo.name'] });
      const r = await loginThroughWallet(a.url, p.defaultPersonaId);
      const t = await client.callback({ code: r.searchParams.get('code')!, codeVerifier: pair.codeVerifier, nonce: a.nonce ?? null });
      return client.userinfo(t);
    };
    await assert.rejects(login(sgid));
    const fresh = new SgidClient({ clientId: creds.id, clientSecret: creds.secret, privateKey: newKey, redirectUri: REDIRECT, hostname: p.url });
    assert.ok((await login(fresh)).data['myinfo.name']);
  });
});

describe('developer portal with an admin token', () => {
  const TOKEN = 'correct horse battery staple';
  let p: TestProvider;
  before(async () => {
    p = await startProvider({ adminToken: TOKEN });
  });
  after(() => p.close());

  test('every portal page requires sign-in; wrong tokens are refused; the right one sets a safe session cookie', async () => {
    const b = new Browser(p.url);
    for (const path of ['/portal', '/portal/clients/new', '/portal/clients/ANY']) {
      const { res } = await b.get(path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get('location'), `/portal/login?next=${encodeURIComponent(path)}`);
    }
    const login = await b.get('/portal/login?next=%2Fportal%2Fclients%2Fnew');
    assert.equal(login.res.status, 200);
    assert.match(login.html, /<label for="field-token">Admin token<\/label>/);
    assert.doesNotMatch(login.html, /dev mode/i);

    const wrong = await b.post('/portal/login', { token: 'nope', next: '/portal/clients/new' }, login.html);
    assert.equal(wrong.res.status, 401);
    assert.match(wrong.html, /not correct/);
    assert.equal(b.jar.get('sgid_portal_session'), undefined);

    // A made-up value is not a session.
    b.jar.set('sgid_portal_session', 'A'.repeat(43));
    assert.equal((await b.get('/portal')).res.status, 303);
    b.jar.delete('sgid_portal_session');

    const ok = await b.post('/portal/login', { token: TOKEN, next: '/portal/clients/new' }, login.html);
    assert.equal(ok.res.status, 303);
    assert.equal(ok.res.headers.get('location'), '/portal/clients/new');
    const cookie = b.setCookies.find((c) => c.startsWith('sgid_portal_session=') && !/Max-Age=0/.test(c));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=(Lax|Strict)/);
    assert.match(cookie, /Path=\/portal/);

    const list = await b.get('/portal');
    assert.equal(list.res.status, 200);
    assert.doesNotMatch(list.html, /dev mode/i);
    assert.match(list.html, /Sign out/);

    // A session id with one character changed is no session.
    const id = b.jar.get('sgid_portal_session')!;
    const other = new Browser(p.url);
    other.jar.set('sgid_portal_session', `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`);
    assert.equal((await other.get('/portal')).res.status, 303);

    // Signed in, the portal works; then sign out.
    const reg = await b.register({ name: 'Admin app', scopes: 'myinfo.name', redirectUris: REDIRECT });
    assert.equal(reg.res.status, 200);
    const out = await b.post('/portal/logout', {}, list.html);
    assert.equal(out.res.status, 303);
    assert.equal(out.res.headers.get('location'), '/portal/login');
    assert.equal(b.jar.get('sgid_portal_session'), undefined);
    assert.equal((await b.get('/portal')).res.status, 303);
  });

  test('a POST without a session is refused (401) and creates nothing; sign-in itself needs the CSRF token', async () => {
    const b = new Browser(p.url);
    const login = await b.get('/portal/login');
    const r = await b.post('/portal/clients', { name: 'Sneaky', scopes: 'myinfo.name', redirectUris: REDIRECT }, login.html);
    assert.equal(r.res.status, 401);
    assert.equal((await p.store.listClients()).filter((c) => c.name === 'Sneaky').length, 0);
    const noCsrf = await b.post('/portal/login', { token: TOKEN });
    assert.equal(noCsrf.res.status, 403);
    assert.equal(b.jar.get('sgid_portal_session'), undefined);
  });

  test('sign-in never redirects off the portal', async () => {
    const b = new Browser(p.url);
    const login = await b.get('/portal/login');
    for (const next of ['https://evil.example/', '//evil.example/portal', '/portal//evil.example', '/v2/oauth/token']) {
      const r = await b.post('/portal/login', { token: TOKEN, next }, login.html);
      assert.equal(r.res.status, 303);
      assert.equal(r.res.headers.get('location'), '/portal', next);
    }
  });

  test('sign-in is rate limited per address: after 10 wrong tokens even the right one waits', async (t) => {
    // A provider of its own: no earlier failure counts, so the limit is seen exactly.
    const own = await startProvider({ adminToken: TOKEN });
    t.after(() => own.close());
    const b = new Browser(own.url);
    const login = await b.get('/portal/login');
    for (let i = 1; i <= 10; i++) {
      const r = await b.post('/portal/login', { token: `wrong-${i}` }, login.html);
      assert.equal(r.res.status, 401, `wrong token ${i} of 10`);
    }
    const eleventh = await b.post('/portal/login', { token: 'wrong-11' }, login.html);
    assert.equal(eleventh.res.status, 429, 'the 11th attempt');
    const limited = await b.post('/portal/login', { token: TOKEN }, login.html);
    assert.equal(limited.res.status, 429);
    assert.match(limited.html, /wait a minute/);
    assert.equal(b.jar.get('sgid_portal_session'), undefined);
  });
});

describe('developer portal behind https', () => {
  test('cookies are Secure when the public URL is https', async () => {
    const p = await startProvider({ adminToken: 'tok', publicUrl: 'https://sgid.example' });
    try {
      const local = new Browser(`http://127.0.0.1:${p.config.port}`);
      const login = await local.get('/portal/login');
      assert.match(local.setCookies.find((c) => c.startsWith('sgid_portal_csrf='))!, /; Secure/);
      const ok = await local.post('/portal/login', { token: 'tok' }, login.html, { origin: 'https://sgid.example' });
      assert.equal(ok.res.status, 303);
      assert.match(local.setCookies.find((c) => c.startsWith('sgid_portal_session='))!, /; Secure/);
    } finally {
      await p.close();
    }
  });
});
