/**
 * The portal's Singpass pages: the list of Singpass relying parties, registration and
 * settings (app type, scopes, redirect URLs, the client's public JWKS or its URL, legacy
 * profile, whitelisted levels of assurance), deletion. Same conventions as the sgID pages:
 * every error at the top (linked to its field) and beside its field; every form with its CSRF
 * token. No secret exists to be shown once: a Singpass client proves itself with its own keys.
 */
import { LOGIN_APP_SCOPES, MYINFO_ITEMS, SINGPASS_REQUESTABLE_ACR } from 'sgid-protocol';
import type { SingpassClientRecord } from '../store/types.js';
import { html } from './html.js';
import type { Html } from './html.js';
import { csrfField, portalPage } from './portal-pages.js';
import type { PortalChrome } from './portal-pages.js';

export type SingpassField = 'name' | 'description' | 'appType' | 'scopes' | 'redirectUris' | 'jwks' | 'jwksUri' | 'legacyProfile' | 'acrValues';
export type SingpassFieldErrors = Partial<Record<SingpassField, readonly string[]>>;

/** The form as typed (kept on error). */
export interface SingpassFormValues {
  name: string;
  description: string;
  appType: string;
  scopes: readonly string[];
  redirectUris: string;
  jwksUri: string;
  jwks: string;
  legacyProfile: string;
  acrValues: readonly string[];
}

const ORDER: readonly SingpassField[] = ['name', 'description', 'appType', 'scopes', 'redirectUris', 'jwksUri', 'jwks', 'legacyProfile', 'acrValues'];

const LOGIN_SCOPE_LABELS: Readonly<Record<string, string>> = {
  'user.identity': 'NRIC / FIN, account type and country of issue (sub_attributes)',
  name: 'Full name (sub_attributes.name)',
  email: 'Email address (sub_attributes.email)',
  mobileno: 'Singapore mobile number (sub_attributes.mobileno)',
};

export function singpassClientHref(id: string): string {
  return `/portal/singpass/${encodeURIComponent(id)}`;
}

export function singpassFormOf(c: SingpassClientRecord): SingpassFormValues {
  return {
    name: c.name,
    description: c.description,
    appType: c.appType,
    scopes: c.scopes,
    redirectUris: c.redirectUris.join('\n'),
    jwksUri: c.jwksUri ?? '',
    jwks: c.jwks ? JSON.stringify(c.jwks, null, 2) : '',
    legacyProfile: c.legacyProfile,
    acrValues: c.acrValues,
  };
}

function summary(errors: SingpassFieldErrors): Html | '' {
  const items = ORDER.flatMap((f) => (errors[f] ?? []).map((message) => ({ f, message })));
  if (items.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
<h2 id="error-summary-title">There ${items.length === 1 ? 'is a problem' : `are ${items.length} problems`}</h2>
<ul>${items.map((i) => html`<li><a href="#sp-${i.f}">${i.message}</a></li>`)}</ul>
</div>`;
}

function fieldError(f: SingpassField, errors: SingpassFieldErrors): Html | '' {
  const messages = errors[f] ?? [];
  if (messages.length === 0) return '';
  return html`<ul class="field-error" id="error-sp-${f}">${messages.map((m) => html`<li><span class="visually-hidden">Error: </span>${m}</li>`)}</ul>`;
}

function aria(f: SingpassField, errors: SingpassFieldErrors): Html {
  const bad = (errors[f]?.length ?? 0) > 0;
  return html` aria-describedby="hint-sp-${f}${bad ? ` error-sp-${f}` : ''}"${bad ? html` aria-invalid="true"` : ''}`;
}

const group = (f: SingpassField, errors: SingpassFieldErrors) => `form-group${errors[f]?.length ? ' has-error' : ''}`;

function checkbox(name: string, value: string, id: string, label: Html | string, checked: boolean): Html {
  return html`<div class="scope"><input type="checkbox" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ''}>
<label for="${id}">${label}</label></div>`;
}

function fields(v: SingpassFormValues, errors: SingpassFieldErrors): Html {
  const scopes = new Set(v.scopes);
  const acr = new Set(v.acrValues);
  return html`<div class="${group('name', errors)}">
<label for="sp-name">Name</label>
<p class="field-hint" id="hint-sp-name">Shown to the person in the Singpass app. At most 100 characters.</p>
${fieldError('name', errors)}
<input type="text" id="sp-name" name="name" value="${v.name}" maxlength="100" required autocomplete="off"${aria('name', errors)}>
</div>
<div class="${group('description', errors)}">
<label for="sp-description">Description <span class="optional">(optional)</span></label>
<p class="field-hint" id="hint-sp-description">What your app does, in a sentence. At most 500 characters.</p>
${fieldError('description', errors)}
<textarea id="sp-description" name="description" rows="2" maxlength="500"${aria('description', errors)}>${v.description}</textarea>
</div>
<div class="${group('appType', errors)}">
<fieldset id="sp-appType"${aria('appType', errors)}>
<legend>App type</legend>
<p class="field-hint" id="hint-sp-appType">A Login app reads the person from the ID token and must send <code>authentication_context_type</code> at PAR; a Myinfo app also calls userinfo for Myinfo data and must not.</p>
${fieldError('appType', errors)}
<div class="scope"><input type="radio" id="sp-app-login" name="appType" value="login"${v.appType === 'login' ? html` checked` : ''}><label for="sp-app-login">Login app</label></div>
<div class="scope"><input type="radio" id="sp-app-myinfo" name="appType" value="myinfo"${v.appType === 'myinfo' ? html` checked` : ''}><label for="sp-app-myinfo">Myinfo app</label></div>
</fieldset>
</div>
<div class="${group('scopes', errors)}">
<fieldset class="scopes" id="sp-scopes"${aria('scopes', errors)}>
<legend>Scopes</legend>
<p class="field-hint" id="hint-sp-scopes"><code>openid</code> is always included. Tick Login scopes for a Login app, Myinfo items for a Myinfo app.</p>
${fieldError('scopes', errors)}
<h3>Login app scopes</h3>
${LOGIN_APP_SCOPES.map((s) => checkbox('scopes', s, `sp-scope-${s.replace('.', '-')}`, html`<code>${s}</code> ${LOGIN_SCOPE_LABELS[s] ?? ''}`, scopes.has(s)))}
<h3>Myinfo items</h3>
${MYINFO_ITEMS.filter((i) => !(LOGIN_APP_SCOPES as readonly string[]).includes(i.item)).map((i) =>
  checkbox('scopes', i.item, `sp-item-${i.item}`, html`<code>${i.item}</code> ${i.label}`, scopes.has(i.item)),
)}
</fieldset>
</div>
<div class="${group('redirectUris', errors)}">
<label for="sp-redirectUris">Redirect URLs</label>
<p class="field-hint" id="hint-sp-redirectUris">One per line. Matched exactly, character for character.</p>
${fieldError('redirectUris', errors)}
<textarea id="sp-redirectUris" name="redirectUris" rows="3" required spellcheck="false" autocomplete="off"${aria('redirectUris', errors)}>${v.redirectUris}</textarea>
</div>
<div class="${group('jwksUri', errors)}">
<label for="sp-jwksUri">JWKS URL</label>
<p class="field-hint" id="hint-sp-jwksUri">Where your app publishes its public keys (https; plain http for localhost). Fetched with a 3-second timeout, cached for an hour, fetched again on an unknown <code>kid</code>. Or paste the JWKS below instead.</p>
${fieldError('jwksUri', errors)}
<input type="url" id="sp-jwksUri" name="jwksUri" value="${v.jwksUri}" spellcheck="false" autocomplete="off"${aria('jwksUri', errors)}>
</div>
<div class="${group('jwks', errors)}">
<label for="sp-jwks">Public JWKS</label>
<p class="field-hint" id="hint-sp-jwks">EC keys on P-256, P-384 or P-521, each with a unique <code>kid</code> and a <code>use</code>: at least one signing key (<code>sig</code>) and one encryption key (<code>enc</code>, with <code>alg</code> ECDH-ES+A128KW, A192KW or A256KW). Public keys only: a key with <code>d</code> is refused.</p>
${fieldError('jwks', errors)}
<textarea id="sp-jwks" name="jwks" rows="8" spellcheck="false" autocomplete="off"${aria('jwks', errors)}>${v.jwks}</textarea>
</div>
<div class="${group('legacyProfile', errors)}">
<label for="sp-legacyProfile">Legacy flow profile</label>
<p class="field-hint" id="hint-sp-legacyProfile">The ID token of the legacy (pre-FAPI) flow: <code>direct</code> — a JWS with <code>sub = u=&lt;uuid&gt;</code>; <code>direct_pii_allowed</code> — a JWS in a JWE with <code>s=&lt;NRIC&gt;,u=&lt;uuid&gt;</code>.</p>
${fieldError('legacyProfile', errors)}
<select id="sp-legacyProfile" name="legacyProfile"${aria('legacyProfile', errors)}>
${['direct', 'direct_pii_allowed'].map((p) => html`<option value="${p}"${v.legacyProfile === p ? html` selected` : ''}>${p}</option>`)}
</select>
</div>
<div class="${group('acrValues', errors)}">
<fieldset id="sp-acrValues"${aria('acrValues', errors)}>
<legend>Whitelisted levels of assurance <span class="optional">(optional)</span></legend>
<p class="field-hint" id="hint-sp-acrValues">The <code>acr_values</code> this app may ask for at PAR. Singpass whitelists them per app; without any, logins are 2FA (loa:2).</p>
${fieldError('acrValues', errors)}
${SINGPASS_REQUESTABLE_ACR.map((a) => checkbox('acrValues', a, `sp-acr-${a.slice(-1)}`, html`<code>${a}</code>`, acr.has(a)))}
</fieldset>
</div>`;
}

export function singpassListPage(chrome: PortalChrome, clients: readonly SingpassClientRecord[], issuer: string, notice?: string): string {
  const sorted = [...clients].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
  return portalPage(
    chrome,
    'Singpass clients',
    html`${notice ? html`<p class="notice success" role="status">${notice}</p>` : ''}
<section class="card">
<div class="heading-row">
<h1>Singpass clients</h1>
<a class="button" href="/portal/singpass/new">Register a Singpass client</a>
</div>
<p>Relying parties of Singpass Login: FAPI 2.0 at <code>${issuer}</code> (discovery at <code>${issuer}/.well-known/openid-configuration</code>), and the legacy flow.</p>
${
  sorted.length === 0
    ? html`<p>No Singpass client is registered yet.</p>`
    : html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="sp-caption">
<table class="clients">
<caption id="sp-caption">${sorted.length} Singpass client${sorted.length === 1 ? '' : 's'}, newest first</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">App</th><th scope="col">Scopes</th><th scope="col">Keys</th></tr></thead>
<tbody>
${sorted.map(
  (c) => html`<tr>
<th scope="row"><a href="${singpassClientHref(c.id)}">${c.name}</a></th>
<td><code class="nowrap">${c.id}</code></td>
<td>${c.appType === 'login' ? 'Login' : 'Myinfo'}</td>
<td><ul class="plain nowrap">${c.scopes.map((s) => html`<li><code>${s}</code></li>`)}</ul></td>
<td>${c.jwksUri ? html`<code>${c.jwksUri}</code>` : `inline JWKS (${c.jwks?.keys.length ?? 0} keys)`}</td>
</tr>`,
)}
</tbody>
</table>
</div>`
}
</section>`,
  );
}

export function singpassRegisterPage(chrome: PortalChrome, values: SingpassFormValues, errors: SingpassFieldErrors = {}): string {
  const bad = Object.keys(errors).length > 0;
  return portalPage(
    chrome,
    `${bad ? 'Error: ' : ''}Register a Singpass client`,
    html`${summary(errors)}
<section class="card">
<h1>Register a Singpass client</h1>
<p>Singpass clients authenticate with <code>private_key_jwt</code>: give their public keys, there is no secret. The client id (32 letters and digits, like Singpass's) is generated.</p>
<form method="post" action="/portal/singpass" novalidate>
${csrfField(chrome)}
${fields(values, errors)}
<div class="actions"><button type="submit" class="button">Register</button> <a href="/portal/singpass">Cancel</a></div>
</form>
</section>`,
  );
}

export function singpassClientPage(
  chrome: PortalChrome,
  client: SingpassClientRecord,
  values: SingpassFormValues,
  issuers: { fapi: string; legacy: string },
  errors: SingpassFieldErrors = {},
  notice?: string,
): string {
  const bad = Object.keys(errors).length > 0;
  const href = singpassClientHref(client.id);
  return portalPage(
    chrome,
    `${bad ? 'Error: ' : ''}${client.name}`,
    html`${summary(errors)}
${notice ? html`<p class="notice success" role="status">${notice}</p>` : ''}
<section class="card">
<p class="eyebrow">Singpass ${client.appType === 'login' ? 'Login' : 'Myinfo'} app</p>
<h1>${client.name}</h1>
<dl class="facts">
<div><dt>Client id</dt><dd><code id="client-id">${client.id}</code></dd></div>
<div><dt>FAPI 2.0 issuer</dt><dd><code>${issuers.fapi}</code></dd></div>
<div><dt>Legacy issuer</dt><dd><code>${issuers.legacy}</code></dd></div>
</dl>
</section>
<section class="card" aria-labelledby="sp-settings-title">
<h2 id="sp-settings-title">Settings</h2>
<form method="post" action="${href}" novalidate>
${csrfField(chrome)}
${fields(values, errors)}
<div class="actions"><button type="submit" class="button">Save changes</button></div>
</form>
</section>
<section class="card danger-zone" aria-labelledby="sp-delete-title">
<h2 id="sp-delete-title">Delete this client</h2>
<p>Apps using this client id can no longer log people in.</p>
<p><a class="button danger" href="${href}/delete">Delete client…</a></p>
</section>`,
  );
}

export function singpassDeletePage(chrome: PortalChrome, client: SingpassClientRecord): string {
  const href = singpassClientHref(client.id);
  return portalPage(
    chrome,
    `Delete ${client.name}?`,
    html`<section class="card">
<h1>Delete ${client.name}?</h1>
<div class="notice warning"><p>The Singpass client is removed for good. Apps using its client id can no longer log people in. This cannot be undone.</p></div>
<p>Client id: <code>${client.id}</code></p>
<form method="post" action="${href}/delete" class="actions">
${csrfField(chrome)}
<button type="submit" class="button danger">Delete client</button>
<a href="${href}">Cancel</a>
</form>
</section>`,
  );
}
