/**
 * The developer portal's pages: client list, registration, credentials shown once, the
 * client's settings, rotations and deletion, admin sign-in. Every form carries the CSRF token;
 * every input has a label; errors are listed at the top (linked to their fields) and repeated
 * next to each field, which points to its message with aria-describedby.
 */
import { SCOPES } from 'sgid-protocol';
import type { ClientCredentials } from 'sgid-protocol';
import type { ClientRecord } from '../store/types.js';
import { breakAfter, html } from './html.js';
import type { Html } from './html.js';
import { page } from './layout.js';
import type { PageOptions } from './layout.js';

/** What every portal page needs to draw its header and forms. */
export interface PortalChrome {
  /** No admin token configured: the portal is open. */
  devMode: boolean;
  /** The CSRF token for this browser's forms. */
  csrf: string;
}

/** The editable fields of a client, as typed (kept on error). */
export interface ClientFormValues {
  name: string;
  description: string;
  scopes: readonly string[];
  /** One URL per line. */
  redirectUris: string;
}

export type ClientField = 'name' | 'description' | 'scopes' | 'redirectUris';
/** Every problem of each field, in the order found. */
export type FieldErrors = Partial<Record<ClientField, readonly string[]>>;

const FIELD_ORDER: readonly ClientField[] = ['name', 'description', 'scopes', 'redirectUris'];
/** The element each error summary link moves focus to. */
const FIELD_ANCHOR: Record<ClientField, string> = {
  name: 'field-name',
  description: 'field-description',
  scopes: 'field-scopes',
  redirectUris: 'field-redirectUris',
};

export function csrfField(chrome: Pick<PortalChrome, 'csrf'>): Html {
  return html`<input type="hidden" name="csrf" value="${chrome.csrf}">`;
}

/** A portal page: the header (with sign-out when signed in), the dev-mode banner, the body. */
export function portalPage(chrome: PortalChrome, title: string, body: Html, opts: Pick<PageOptions, 'scripts' | 'data'> = {}): string {
  return page(
    { title: `${title} — sgID developer portal`, variant: 'wide', ...opts },
    html`<header class="portal-bar">
<a class="portal-brand" href="/portal">sgID developer portal</a>
<nav aria-label="Portal">
<a href="/portal">Clients</a>
<a href="/portal/clients/new">Register a client</a>
<a href="/portal/singpass">Singpass clients</a>
<a href="/portal/logins">Logins</a>
${
  chrome.devMode
    ? ''
    : html`<form method="post" action="/portal/logout" class="inline-form">${csrfField(chrome)}<button type="submit" class="link-button">Sign out</button></form>`
}
</nav>
</header>
${
  chrome.devMode
    ? html`<p class="notice dev-mode"><strong>Dev mode:</strong> portal open to anyone who can reach it. Start the provider with <code>--admin-token</code> (<code>SGID_ADMIN_TOKEN</code>) to require sign-in.</p>`
    : ''
}
${body}`,
  );
}

function errorSummary(errors: FieldErrors): Html | '' {
  const items = FIELD_ORDER.flatMap((f) => (errors[f] ?? []).map((message) => ({ field: f, message })));
  if (items.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There ${items.length === 1 ? 'is a problem' : `are ${items.length} problems`}</h2>
<ul>
${items.map((i) => html`<li><a href="#${FIELD_ANCHOR[i.field]}">${i.message}</a></li>`)}
</ul>
</div>`;
}

function fieldError(field: ClientField, errors: FieldErrors): Html | '' {
  const messages = errors[field] ?? [];
  if (messages.length === 0) return '';
  if (messages.length === 1) return html`<p class="field-error" id="error-${field}"><span class="visually-hidden">Error: </span>${messages[0]}</p>`;
  return html`<ul class="field-error" id="error-${field}">${messages.map((m) => html`<li><span class="visually-hidden">Error: </span>${m}</li>`)}</ul>`;
}

/** aria attributes of an input: its hint, and its error when there is one. */
function described(field: ClientField, errors: FieldErrors, hint: boolean): Html {
  const bad = (errors[field]?.length ?? 0) > 0;
  const ids = [hint ? `hint-${field}` : '', bad ? `error-${field}` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${bad ? html` aria-invalid="true"` : ''}`;
}

/** The fields shared by registration and editing. */
function clientFields(values: ClientFormValues, errors: FieldErrors): Html {
  const chosen = new Set(values.scopes);
  let firstData = true;
  return html`<div class="form-group${errors.name?.length ? ' has-error' : ''}">
<label for="field-name">Name</label>
<p class="field-hint" id="hint-name">Shown to the user on the consent screen. At most 100 characters.</p>
${fieldError('name', errors)}
<input type="text" id="field-name" name="name" value="${values.name}" maxlength="100" required autocomplete="off"${described('name', errors, true)}>
</div>
<div class="form-group${errors.description?.length ? ' has-error' : ''}">
<label for="field-description">Description <span class="optional">(optional)</span></label>
<p class="field-hint" id="hint-description">What your app does, in a sentence; shown on the consent screen. At most 500 characters.</p>
${fieldError('description', errors)}
<textarea id="field-description" name="description" rows="2" maxlength="500"${described('description', errors, true)}>${values.description}</textarea>
</div>
<div class="form-group${errors.scopes?.length ? ' has-error' : ''}">
<fieldset class="scopes"${described('scopes', errors, true)}>
<legend>Scopes: the data your app may request</legend>
<p class="field-hint" id="hint-scopes">Your app asks for some of these at each login; the user sees each one on the consent screen. In the real sgID, only Sign-in and Full name are open to clients outside the public sector.</p>
${fieldError('scopes', errors)}
<div class="scope-list">
${SCOPES.map((s) => {
  const id = `scope-${s.scope.replace(/[^a-z0-9_]/gi, '-')}`;
  if (s.scope === 'openid') {
    return html`<div class="scope">
<input type="checkbox" id="${id}" checked disabled aria-describedby="${id}-help">
<label for="${id}"><span class="scope-label">${s.label}</span> <code>${breakAfter(s.scope, '._')}</code> <span class="scope-tag">always included</span></label>
<p class="scope-help" id="${id}-help">${s.description}</p>
</div>`;
  }
  const anchor = firstData ? FIELD_ANCHOR.scopes : id;
  firstData = false;
  return html`<div class="scope">
<input type="checkbox" id="${anchor}" name="scopes" value="${s.scope}"${chosen.has(s.scope) ? html` checked` : ''} aria-describedby="${anchor}-help">
<label for="${anchor}"><span class="scope-label">${s.label}</span> <code>${breakAfter(s.scope, '._')}</code></label>
<p class="scope-help" id="${anchor}-help">${s.description}</p>
</div>`;
})}
</div>
</fieldset>
</div>
<div class="form-group${errors.redirectUris?.length ? ' has-error' : ''}">
<label for="field-redirectUris">Redirect URLs</label>
<p class="field-hint" id="hint-redirectUris">One per line, e.g. <code>http://localhost:5001/api/redirect</code>. Matched exactly, character for character.</p>
${fieldError('redirectUris', errors)}
<textarea id="field-redirectUris" name="redirectUris" rows="3" required spellcheck="false" autocomplete="off"${described('redirectUris', errors, true)}>${values.redirectUris}</textarea>
</div>`;
}

function formatDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** A URL that wraps after "/", ".", "?", "&" or "=", never inside a word. */
function urlText(url: string): Html {
  return breakAfter(url, '/.?&=');
}

/** A client id that wraps (if it must) only after "-", "." or "_". */
function clientIdText(id: string): Html {
  return breakAfter(id, '-._');
}

export function clientHref(id: string): string {
  return `/portal/clients/${encodeURIComponent(id)}`;
}

/** A download link whose target is the content itself: nothing is kept on the server to serve it. */
function downloadLink(filename: string, mime: string, content: string, label: string, id: string): Html {
  const href = `data:${mime};base64,${Buffer.from(content, 'utf8').toString('base64')}`;
  return html`<a class="button" id="${id}" href="${href}" download="${filename}">${label}</a>`;
}

function secretBlock(label: string, id: string, value: string, multiline: boolean): Html {
  return html`<div class="secret">
<h3 id="${id}-label">${label}</h3>
${
  multiline
    ? html`<pre class="secret-value" id="${id}" tabindex="0" aria-labelledby="${id}-label">${value}</pre>`
    : html`<p><code class="secret-value" id="${id}">${value}</code></p>`
}
</div>`;
}

export function clientListPage(chrome: PortalChrome, clients: readonly ClientRecord[], notice?: string): string {
  const sorted = [...clients].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
  return portalPage(
    chrome,
    'Clients',
    html`${notice ? html`<p class="notice success" role="status">${notice}</p>` : ''}
<section class="card">
<div class="heading-row">
<h1>Clients</h1>
<a class="button" href="/portal/clients/new">Register a client</a>
</div>
${
  sorted.length === 0
    ? html`<p>No client is registered yet. Register one to get a client id, a secret and a key pair for your app.</p>`
    : html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="clients-caption">
<table class="clients">
<caption id="clients-caption">${sorted.length} registered client${sorted.length === 1 ? '' : 's'}, newest first</caption>
<colgroup><col class="col-client"><col class="col-scopes"><col class="col-urls"><col class="col-created"></colgroup>
<thead><tr><th scope="col">Client</th><th scope="col">Scopes</th><th scope="col">Redirect URLs</th><th scope="col">Created</th></tr></thead>
<tbody>
${sorted.map(
  (c) => html`<tr>
<th scope="row"><a class="client-name" href="${clientHref(c.id)}">${c.name}</a><code class="client-id">${clientIdText(c.id)}</code></th>
<td><ul class="chips">${c.scopes.map((s) => html`<li><code>${s}</code></li>`)}</ul></td>
<td><ul class="plain urls">${c.redirectUris.map((u) => html`<li><code>${urlText(u)}</code></li>`)}</ul></td>
<td><time datetime="${new Date(c.createdAt).toISOString()}">${formatDate(c.createdAt)}</time></td>
</tr>`,
)}
</tbody>
</table>
</div>`
}
</section>`,
  );
}

export function registerPage(chrome: PortalChrome, values: ClientFormValues, errors: FieldErrors = {}): string {
  const hasErrors = Object.keys(errors).length > 0;
  return portalPage(
    chrome,
    `${hasErrors ? 'Error: ' : ''}Register a client`,
    html`${errorSummary(errors)}
<section class="card">
<h1>Register a client</h1>
<p>The portal generates a client id, a secret and an RSA-2048 key pair. You will see the secret and the private key once, on the next page.</p>
<form method="post" action="/portal/clients" novalidate>
${csrfField(chrome)}
${clientFields(values, errors)}
<div class="actions"><button type="submit" class="button">Register</button> <a href="/portal">Cancel</a></div>
</form>
</section>`,
  );
}

/** After registration: the credentials, once. */
export function credentialsPage(chrome: PortalChrome, creds: ClientCredentials): string {
  const file = JSON.stringify(creds, null, 2) + '\n';
  return portalPage(
    chrome,
    `Credentials of ${creds.name}`,
    html`<section class="card">
<p class="eyebrow">Client registered</p>
<h1>Credentials of ${creds.name}</h1>
<div class="notice warning" role="alert">
<p><strong>Save these now: the client secret and the private key are not shown again.</strong>
The provider keeps only a hash of the secret and the public key; if you lose them, rotate them on the client's page.</p>
</div>
<p>${downloadLink(`sgid-credentials-${creds.id}.json`, 'application/json', file, 'Download credentials file', 'download-credentials')}</p>
<p class="field-hint">A JSON file with <code>id</code>, <code>secret</code>, <code>name</code>, <code>description</code>, <code>scopes</code>, <code>redirectUris</code>, <code>publicKey</code> and <code>privateKey</code>, the same as <code>sgid-provider clients create --json</code> prints. Keep it out of version control.</p>
${secretBlock('Client id', 'client-id', creds.id, false)}
${secretBlock('Client secret', 'client-secret', creds.secret, false)}
${creds.privateKey ? secretBlock('Private key (PKCS#8 PEM)', 'private-key', creds.privateKey, true) : ''}
${secretBlock('Public key (SPKI PEM)', 'public-key', creds.publicKey, true)}
<p><a href="${clientHref(creds.id)}">Go to the client's page</a> · <a href="/portal">All clients</a></p>
</section>`,
  );
}

export function clientPage(
  chrome: PortalChrome,
  client: ClientRecord,
  values: ClientFormValues,
  errors: FieldErrors = {},
  notice?: string,
): string {
  const hasErrors = Object.keys(errors).length > 0;
  const href = clientHref(client.id);
  return portalPage(
    chrome,
    `${hasErrors ? 'Error: ' : ''}${client.name}`,
    html`${errorSummary(errors)}
${notice ? html`<p class="notice success" role="status">${notice}</p>` : ''}
<div class="client-layout">
<section class="card client-header">
<p class="eyebrow">Client</p>
<h1>${client.name}</h1>
<dl class="facts">
<div><dt>Client id</dt><dd><code id="client-id" class="client-id">${clientIdText(client.id)}</code></dd></div>
<div><dt>Created</dt><dd><time datetime="${new Date(client.createdAt).toISOString()}">${formatDate(client.createdAt)}</time></dd></div>
<div><dt>Last changed</dt><dd><time datetime="${new Date(client.updatedAt).toISOString()}">${formatDate(client.updatedAt)}</time></dd></div>
</dl>
</section>
<aside class="client-actions" aria-label="Credentials and deletion">
<section class="card" aria-labelledby="credentials-title">
<h2 id="credentials-title">Credentials</h2>
<h3>Client secret</h3>
<p>Stored only as a hash. Rotate it if it leaked or was lost: the old secret stops working at once.</p>
<p><a class="button secondary" href="${href}/rotate-secret">Rotate secret…</a></p>
<h3>Key pair</h3>
<p>User data is encrypted to the public key; your app decrypts it with the matching private key, which the provider never kept.</p>
<details class="public-key">
<summary id="public-key-label">Show the public key</summary>
<pre class="secret-value" tabindex="0" aria-labelledby="public-key-label">${client.publicKey}</pre>
</details>
<p><a class="button secondary" href="${href}/rotate-keys">Rotate key pair…</a></p>
</section>
<section class="card danger-zone" aria-labelledby="delete-title">
<h2 id="delete-title">Delete this client</h2>
<p>Apps using this client id can no longer log users in.</p>
<p><a class="button danger" href="${href}/delete">Delete client…</a></p>
</section>
</aside>
<section class="card client-settings" aria-labelledby="settings-title">
<h2 id="settings-title">Settings</h2>
<form method="post" action="${href}" novalidate>
${csrfField(chrome)}
${clientFields(values, errors)}
<div class="actions"><button type="submit" class="button">Save changes</button></div>
</form>
</section>
</div>`,
  );
}

export type ConfirmAction = 'rotate-secret' | 'rotate-keys' | 'delete';

const CONFIRM: Record<ConfirmAction, { title: string; warning: string; button: string }> = {
  'rotate-secret': {
    title: 'Rotate the client secret of',
    warning: 'A new secret is generated and shown once. The current secret stops working at once: your app cannot exchange codes until it uses the new one.',
    button: 'Rotate secret',
  },
  'rotate-keys': {
    title: 'Rotate the key pair of',
    warning: 'A new key pair is generated and the new private key is shown once. From now on user data is encrypted to the new key: the old private key cannot decrypt data released after this, so update your app at once.',
    button: 'Rotate key pair',
  },
  delete: {
    title: 'Delete',
    warning: 'The client is removed for good. Apps using its client id can no longer log users in. This cannot be undone.',
    button: 'Delete client',
  },
};

/** The confirmation step before a rotation or a deletion. */
export function confirmPage(chrome: PortalChrome, client: ClientRecord, action: ConfirmAction): string {
  const c = CONFIRM[action];
  const href = clientHref(client.id);
  return portalPage(
    chrome,
    `${c.title} ${client.name}?`,
    html`<section class="card">
<h1>${c.title} ${client.name}?</h1>
<div class="notice warning"><p>${c.warning}</p></div>
<p>Client id: <code>${client.id}</code></p>
<form method="post" action="${href}/${action}" class="actions">
${csrfField(chrome)}
<button type="submit" class="button${action === 'delete' ? ' danger' : ''}">${c.button}</button>
<a href="${href}">Cancel</a>
</form>
</section>`,
  );
}

export function secretRotatedPage(chrome: PortalChrome, client: Pick<ClientRecord, 'id' | 'name'>, secret: string): string {
  return portalPage(
    chrome,
    `New secret of ${client.name}`,
    html`<section class="card">
<p class="eyebrow">Secret rotated</p>
<h1>New secret of ${client.name}</h1>
<div class="notice warning" role="alert"><p><strong>Save it now: this secret is not shown again.</strong> The previous secret no longer works.</p></div>
${secretBlock('Client id', 'client-id', client.id, false)}
${secretBlock('New client secret', 'client-secret', secret, false)}
<p><a href="${clientHref(client.id)}">Back to the client's page</a></p>
</section>`,
  );
}

export function keysRotatedPage(chrome: PortalChrome, client: Pick<ClientRecord, 'id' | 'name'>, pair: { publicKey: string; privateKey: string }): string {
  return portalPage(
    chrome,
    `New key pair of ${client.name}`,
    html`<section class="card">
<p class="eyebrow">Key pair rotated</p>
<h1>New key pair of ${client.name}</h1>
<div class="notice warning" role="alert"><p><strong>Save the private key now: it is not shown again.</strong> The old private key cannot decrypt data released from now on: replace it in your app (the <code>privateKey</code> of your credentials file) at once.</p></div>
<p>${downloadLink(`sgid-private-key-${client.id}.pem`, 'application/x-pem-file', pair.privateKey, 'Download private key', 'download-private-key')}</p>
${secretBlock('New private key (PKCS#8 PEM)', 'private-key', pair.privateKey, true)}
${secretBlock('New public key (SPKI PEM)', 'public-key', pair.publicKey, true)}
<p><a href="${clientHref(client.id)}">Back to the client's page</a></p>
</section>`,
  );
}

/**
 * A result page opened again (a reload, Back, a second tab): the credentials were shown once
 * and are kept nowhere, so the page says so and where to get new ones.
 */
export function alreadyShownPage(chrome: PortalChrome, client: ClientRecord | undefined): string {
  const href = client ? clientHref(client.id) : undefined;
  return portalPage(
    chrome,
    'Already shown',
    html`<section class="card" role="alert">
<p class="eyebrow">Shown once</p>
<h1>These credentials were already shown</h1>
<p>A client secret or private key is shown once, on the page that follows the action, and is kept nowhere: the provider has only a hash of the secret and the public key. Reloading that page does not show it again, and does not repeat the action.</p>
${
  client && href
    ? html`<p>If you did not save them, make new ones for <strong>${client.name}</strong>: <a href="${href}/rotate-secret">rotate the secret</a> or <a href="${href}/rotate-keys">rotate the key pair</a> (each asks you to confirm first).</p>
<p><a href="${href}">Go to the client's page</a> · <a href="/portal">All clients</a></p>`
    : html`<p><a href="/portal">All clients</a></p>`
}
</section>`,
  );
}

/** Admin sign-in (only when an admin token is configured). */
export function loginPage(csrf: string, next: string, error?: string): string {
  return page(
    { title: `${error ? 'Error: ' : ''}Sign in — sgID developer portal` },
    html`<header class="portal-bar"><span class="portal-brand">sgID developer portal</span></header>
${error ? html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus><h2 id="error-summary-title">There is a problem</h2><ul><li><a href="#field-token">${error}</a></li></ul></div>` : ''}
<section class="card">
<h1>Sign in</h1>
<form method="post" action="/portal/login" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="next" value="${next}">
<div class="form-group${error ? ' has-error' : ''}">
<label for="field-token">Admin token</label>
<p class="field-hint" id="hint-token">The value of <code>--admin-token</code> (<code>SGID_ADMIN_TOKEN</code>) the provider was started with.</p>
${error ? html`<p class="field-error" id="error-token"><span class="visually-hidden">Error: </span>${error}</p>` : ''}
<input type="password" id="field-token" name="token" required autocomplete="current-password" aria-describedby="hint-token${error ? ' error-token' : ''}"${error ? html` aria-invalid="true"` : ''}${error ? '' : html` autofocus`}>
</div>
<div class="actions"><button type="submit" class="button">Sign in</button></div>
</form>
</section>`,
  );
}

/** A refusal or a missing page, in words, with the way back. */
export function portalMessagePage(title: string, message: string, back: { href: string; label: string } = { href: '/portal', label: 'Back to the portal' }): string {
  return page(
    { title: `${title} — sgID developer portal` },
    html`<header class="portal-bar"><a class="portal-brand" href="/portal">sgID developer portal</a></header>
<section class="card" role="alert">
<h1>${title}</h1>
<p>${message}</p>
<p><a href="${back.href}">${back.label}</a></p>
</section>`,
  );
}
