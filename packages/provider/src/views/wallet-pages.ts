/** The simulated Singpass app: persona sign-in, consent, and the answer. Phone-sized pages. */
import { getMyinfoItem, getScope } from 'sgid-protocol';
import type { SingpassAppType, SubAttributes } from 'sgid-protocol';
import type { Persona } from '../wallet/personas/index.js';
import { describeMyinfo, describeValue } from '../wallet/personas/index.js';

/** What the wallet shows of the app a person is logging in to (an sgID or a Singpass client). */
export interface ClientShown {
  name: string;
  description: string;
}
type ClientRecord = ClientShown;
import { html } from './html.js';
import type { Html } from './html.js';
import { page } from './layout.js';

const phone = (title: string) => ({ title, variant: 'phone' as const });

const appBar = html`<header class="app-bar"><span class="brand">Singpass</span><span class="tag">test wallet</span></header>`;

function steps(current: 1 | 2): Html {
  return html`<p class="wallet-step">Step ${current} of 2 · ${current === 1 ? 'Choose who you are' : 'Review and approve'}</p>`;
}

function personaName(p: Persona): string {
  return p.values['myinfo.name'] ?? p.id;
}

export function personaPickerPage(loginId: string, client: ClientRecord, personas: readonly Persona[]): string {
  return page(
    phone('Singpass — choose who you are'),
    html`${appBar}
<section class="card" aria-labelledby="wallet-title">
${steps(1)}
<h1 id="wallet-title">Log in to ${client.name}</h1>
<p>This is a simulated Singpass app. Choose the test person you want to log in as.</p>
<form method="get" action="/wallet/${loginId}/consent" class="personas">
<fieldset>
<legend>Test persona</legend>
${personas.map(
  (p, i) => html`<label class="persona">
<input type="radio" name="persona" value="${p.id}"${i === 0 ? html` checked` : ''} required>
<span class="persona-name">${personaName(p)}</span>
<span class="persona-id">${p.id}</span>
<span class="persona-label">${p.label}</span>
</label>`,
)}
</fieldset>
<button type="submit" class="button wide">Continue</button>
</form>
</section>`,
  );
}

export function consentPage(
  loginId: string,
  client: ClientRecord,
  persona: Persona,
  scopes: readonly string[],
  values: Readonly<Record<string, string>>,
): string {
  const fields = scopes.filter((s) => s !== 'openid');
  return page(
    phone(`Share data with ${client.name}?`),
    html`${appBar}
<section class="card consent" aria-labelledby="wallet-title">
${steps(2)}
<p class="eyebrow">Logged in as ${personaName(persona)} (${persona.id})</p>
<h1 id="wallet-title"><span class="consent-lead">Share your data with</span> ${client.name}?</h1>
${client.description ? html`<p class="client-description">${client.description}</p>` : ''}
${
  fields.length === 0
    ? html`<p>This app asks only to confirm that it is you. It will not receive any of your personal data.</p>`
    : html`<p>This app is asking for the following information. It is encrypted on this device for ${client.name} alone: sgID cannot read it.</p>
<dl class="fields" aria-label="Information ${client.name} will receive">
${fields.map((s) => {
  const def = getScope(s);
  return html`<div class="field"><dt>${def?.label ?? s}</dt><dd><span class="field-value">${describeValue(s, values[s] ?? 'NA')}</span><span class="field-help">${def?.description ?? ''}</span></dd></div>`;
})}
</dl>`
}
<form method="post" action="/wallet/${loginId}/decision" class="decision">
<input type="hidden" name="persona" value="${persona.id}">
<button type="submit" name="decision" value="approve" class="button" autofocus>Approve</button>
<button type="submit" name="decision" value="decline" class="button secondary">Decline</button>
</form>
<p class="hint">If you decline, nothing is shared and ${client.name} is told that you declined.</p>
<p><a href="/wallet/${loginId}">Not ${personaName(persona)}? Choose another test person</a></p>
</section>`,
  );
}

/** What the ID token will tell a Login app about the person, in words. */
const SUB_ATTRIBUTE_LABELS: Readonly<Record<keyof SubAttributes, string>> = {
  account_type: 'Account type',
  identity_number: 'NRIC / FIN',
  identity_coi: 'Country of issue',
  name: 'Full name',
  email: 'Email address',
  mobileno: 'Mobile number',
};

export interface SingpassConsentModel {
  loginId: string;
  client: ClientShown;
  persona: Persona;
  appType: SingpassAppType;
  /** Login apps: the ID token's sub_attributes. */
  attributes?: SubAttributes;
  /** Myinfo apps: each requested item and its value. */
  items?: [item: string, value: unknown][];
  /** The Login app's authentication_context_message, if it sent one. */
  contextMessage?: string;
  /** Level of assurance asked for, in words. */
  assurance: string;
}

/** The Singpass consent screen: a Login app's ID-token attributes, or a Myinfo app's items. */
export function singpassConsentPage(m: SingpassConsentModel): string {
  const { client, persona } = m;
  const attributes = Object.entries(m.attributes ?? {}) as [keyof SubAttributes, string][];
  return page(
    phone(`Log in to ${client.name} with Singpass?`),
    html`${appBar}
<section class="card consent" aria-labelledby="wallet-title">
${steps(2)}
<p class="eyebrow">Logged in as ${personaName(persona)} (${persona.id})</p>
<h1 id="wallet-title"><span class="consent-lead">${m.appType === 'myinfo' ? 'Share your Myinfo with' : 'Log in to'}</span> ${client.name}?</h1>
${client.description ? html`<p class="client-description">${client.description}</p>` : ''}
${m.contextMessage ? html`<p class="context-message" data-testid="context-message">${client.name} says: <strong>${m.contextMessage}</strong></p>` : ''}
<p class="hint">Singpass login · ${m.assurance}</p>
${
  m.appType === 'myinfo'
    ? html`<p>${client.name} is asking for the following information from Myinfo.</p>
<dl class="fields" aria-label="Myinfo items ${client.name} will receive">
${(m.items ?? []).map(([item, value]) => {
  const def = getMyinfoItem(item);
  return html`<div class="field"><dt>${def?.label ?? item}</dt><dd><span class="field-value">${describeMyinfo(item, value)}</span><span class="field-help">${def?.description ?? ''}</span></dd></div>`;
})}
</dl>`
    : attributes.length === 0
      ? html`<p>${client.name} will know it is you (by your Singpass identifier for apps), and nothing else.</p>`
      : html`<p>${client.name} will receive your Singpass identifier and:</p>
<dl class="fields" aria-label="Information ${client.name} will receive">
${attributes.map(([k, v]) => html`<div class="field"><dt>${SUB_ATTRIBUTE_LABELS[k] ?? k}</dt><dd><span class="field-value">${v}</span></dd></div>`)}
</dl>`
}
<form method="post" action="/wallet/${m.loginId}/decision" class="decision">
<input type="hidden" name="persona" value="${persona.id}">
<button type="submit" name="decision" value="approve" class="button" autofocus>Approve</button>
<button type="submit" name="decision" value="decline" class="button secondary">Decline</button>
</form>
<p class="hint">If you decline, nothing is shared and ${client.name} is told that you declined.</p>
<p><a href="/wallet/${m.loginId}">Not ${personaName(persona)}? Choose another test person</a></p>
</section>`,
  );
}

export function walletDonePage(client: ClientRecord | undefined, approved: boolean): string {
  const name = client?.name ?? 'the app';
  return page(
    phone(approved ? `Approved — logging in to ${name}` : `Declined — nothing was shared with ${name}`),
    html`${appBar}
<section class="card wallet-done ${approved ? 'is-approved' : 'is-declined'}" role="status" aria-labelledby="wallet-title">
<p class="done-icon" aria-hidden="true">${approved ? '✓' : '✕'}</p>
<h1 id="wallet-title">${approved ? 'Approved' : 'Declined'}</h1>
<p>${
      approved
        ? html`You are logging in to <strong>${name}</strong>. Return to your browser: it continues by itself.`
        : html`You declined to log in to <strong>${name}</strong>. Nothing was shared. Return to your browser: ${name} will show that you declined.`
    }</p>
<p class="hint">You can close this screen.</p>
</section>`,
  );
}

/** A message instead of a step: `done` for a login that ended well, `problem` otherwise. */
export function walletMessagePage(title: string, message: string, tone: 'problem' | 'done' = 'problem'): string {
  return page(
    phone(title),
    html`${appBar}
<section class="card wallet-message is-${tone}" role="${tone === 'done' ? 'status' : 'alert'}" aria-labelledby="wallet-title">
<p class="done-icon" aria-hidden="true">${tone === 'done' ? '✓' : '!'}</p>
<h1 id="wallet-title">${title}</h1>
<p>${message}</p>
</section>`,
  );
}
