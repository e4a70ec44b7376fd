/** The simulated Singpass app: persona sign-in, consent, and the answer. Phone-sized pages. */
import { getScope } from 'sgid-protocol';
import type { ClientRecord } from '../store/types.js';
import type { Persona } from '../wallet/personas/index.js';
import { describeValue } from '../wallet/personas/index.js';
import { html } from './html.js';
import { page } from './layout.js';

const phone = (title: string) => ({ title, variant: 'phone' as const });

function personaName(p: Persona): string {
  return p.values['myinfo.name'] ?? p.id;
}

export function personaPickerPage(loginId: string, client: ClientRecord, personas: readonly Persona[]): string {
  return page(
    phone('Singpass — choose who you are'),
    html`<header class="app-bar"><span class="brand">Singpass</span><span class="tag">test wallet</span></header>
<section class="card">
<h1>Log in to ${client.name}</h1>
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
<button type="submit" class="button">Continue</button>
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
    html`<header class="app-bar"><span class="brand">Singpass</span><span class="tag">test wallet</span></header>
<section class="card consent">
<p class="eyebrow">Logged in as ${personaName(persona)} (${persona.id})</p>
<h1>${client.name}</h1>
${client.description ? html`<p class="client-description">${client.description}</p>` : ''}
${
  fields.length === 0
    ? html`<p>This app asks only to confirm that it is you. It will not receive any of your personal data.</p>`
    : html`<p>This app is asking for the following information. It is encrypted on this device for ${client.name} alone: sgID cannot read it.</p>
<dl class="fields">
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
<p><a href="/wallet/${loginId}">Not ${personaName(persona)}? Choose another test person</a></p>
</section>`,
  );
}

export function walletDonePage(client: ClientRecord | undefined, approved: boolean): string {
  const name = client?.name ?? 'the app';
  return page(
    phone(approved ? 'Approved' : 'Declined'),
    html`<header class="app-bar"><span class="brand">Singpass</span><span class="tag">test wallet</span></header>
<section class="card" role="status">
<h1>${approved ? 'Approved' : 'Declined'}</h1>
<p>${
      approved
        ? html`You are logging in to ${name}. Return to your browser: it continues by itself.`
        : html`You declined to log in to ${name}. Nothing was shared. Return to your browser.`
    }</p>
</section>`,
  );
}

export function walletMessagePage(title: string, message: string): string {
  return page(
    phone(title),
    html`<header class="app-bar"><span class="brand">Singpass</span><span class="tag">test wallet</span></header>
<section class="card" role="alert"><h1>${title}</h1><p>${message}</p></section>`,
  );
}
