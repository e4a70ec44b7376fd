/**
 * The login inspector's pages: every recent login as a timeline of its steps — the checks each
 * step ran, the check that refused it with the fix (the error description the response
 * carried), the parameters as received and the answer, masked. The timeline is a fragment the
 * page's script (static/live.js) fetches again every second, so the page follows a login live
 * without a client framework.
 */
import { checkLabel } from '../inspector/checks.js';
import { stepSummary } from '../inspector/read.js';
import type { LoginTrace, StepEvent } from '../inspector/events.js';
import { html } from './html.js';
import type { Html } from './html.js';
import { portalPage } from './portal-pages.js';
import type { PortalChrome } from './portal-pages.js';

export interface LoginsPageModel {
  /** Only this client's logins (undefined: all). */
  clientId?: string;
  /** Registered clients, for names and the filter. */
  clients: readonly { id: string; name: string }[];
  logins: readonly LoginTrace[];
  /** How long records are kept, in seconds. */
  retentionSeconds: number;
  /** False when the provider runs with --inspector off. */
  recording: boolean;
}

const STEP_TITLES: Record<StepEvent['step'], string> = {
  par: 'Pushed authorization request',
  authorize: 'Authorize',
  wallet: 'Singpass app (wallet)',
  code: 'Back to the app',
  token: 'Token request',
  userinfo: 'Userinfo',
};

const PROTOCOL_NAMES: Record<LoginTrace['protocol'], string> = { sgid: 'sgID', singpass: 'Singpass' };

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 23)} UTC`;
}

function duration(ms: number): string {
  return ms < 1000 ? `+${ms} ms` : `+${(ms / 1000).toFixed(1)} s`;
}

function minutes(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}` : `${Math.round(seconds / 60)} minutes`;
}

function badge(outcome: string): Html {
  return html`<span class="badge badge-${outcome}">${outcome}</span>`;
}

/** A value of the request or the answer: text as it is, objects as indented JSON. */
function value(v: unknown): Html {
  if (typeof v === 'string') return html`<code>${v}</code>`;
  if (typeof v === 'number' || typeof v === 'boolean') return html`<code>${String(v)}</code>`;
  return html`<pre class="json">${JSON.stringify(v, null, 2)}</pre>`;
}

/** A part of a step (its checks, its request, its answer), folded: the page stays scannable. */
function part(key: string, title: Html | string, body: Html): Html {
  return html`<details class="step-detail" data-key="${key}"><summary>${title}</summary>${body}</details>`;
}

function fields(key: string, title: string, record: Readonly<Record<string, unknown>> | undefined): Html | '' {
  if (!record || Object.keys(record).length === 0) return '';
  return part(key, title, html`<dl class="params">${Object.entries(record).map(([k, v]) => html`<div><dt>${k}</dt><dd>${value(v)}</dd></div>`)}</dl>`);
}

function checksPart(key: string, e: StepEvent): Html | '' {
  if (e.checks.length === 0) return '';
  const failed = e.checks.filter((c) => !c.ok).length;
  const passed = e.checks.length - failed;
  const title = `Checks: ${passed} passed${failed > 0 ? `, ${failed} failed` : ''}`;
  return part(
    key,
    title,
    html`<ul class="checks">${e.checks.map(
      (c) => html`<li class="${c.ok ? 'check-ok' : 'check-failed'}"><span aria-hidden="true">${c.ok ? '✓' : '✗'}</span><span class="visually-hidden">${c.ok ? 'passed: ' : 'failed: '}</span> ${checkLabel(c.id)}</li>`,
    )}</ul>`,
  );
}

function stepItem(e: StepEvent, start: number, last: boolean): Html {
  const r = e.refused;
  const key = `${e.trace}:${e.step}:${e.at}`;
  return html`<li class="step outcome-${e.outcome}" data-step="${e.step}">
<h3><span class="step-name">${STEP_TITLES[e.step]}</span> ${badge(e.outcome === 'waiting' && !last ? 'ok' : e.outcome)} <span class="step-time"><time datetime="${new Date(e.at).toISOString()}">${e.at === start ? clock(e.at) : duration(e.at - start)}</time></span></h3>
${r ? '' : html`<p class="step-summary">${stepSummary(e)}</p>`}
${e.conformance ? html`<p class="conformance-mark">Conformance run, login ${e.conformance.step} of ${e.conformance.of}: <strong>${e.conformance.title}</strong></p>` : ''}
${
  r
    ? html`<div class="refusal">
<p><strong>Refused by:</strong> <span class="refusing-check">${r.check ? checkLabel(r.check) : 'the request itself'}</span></p>
<p class="fix"><strong>Fix:</strong> ${r.description}</p>
<p class="error-code">Answered <code>${r.status} ${r.error}</code></p>
</div>`
    : ''
}
${e.notes ? html`<ul class="notes">${e.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<div class="step-parts">
${checksPart(`${key}:checks`, e)}
${fields(`${key}:request`, 'Request as received (secrets masked)', e.request)}
${fields(`${key}:answer`, e.outcome === 'refused' ? 'Answer' : 'Answer (secrets masked)', e.response)}
</div>
</li>`;
}

function loginItem(login: LoginTrace, names: ReadonlyMap<string, string>, open: boolean): Html {
  const client = login.clientId === '' ? 'no registered client' : `${names.get(login.clientId) ?? 'deleted client'} (${login.clientId})`;
  return html`<details class="login outcome-${login.outcome}" id="login-${login.trace}" data-trace="${login.trace}"${open ? html` open` : ''}>
<summary class="login-head">
<span class="login-time"><time datetime="${new Date(login.startedAt).toISOString()}">${clock(login.startedAt)}</time></span>
${badge(login.outcome)}
<span class="login-client">${PROTOCOL_NAMES[login.protocol]} · ${client}</span>
<span class="login-summary">${login.summary}</span>
</summary>
<ol class="steps">${login.steps.map((e, i) => stepItem(e, login.startedAt, i === login.steps.length - 1))}</ol>
<p class="trace-id">Trace <code>${login.trace}</code></p>
</details>`;
}

function timeline(m: Pick<LoginsPageModel, 'logins' | 'clients' | 'clientId' | 'recording'>): Html {
  const names = new Map(m.clients.map((c) => [c.id, c.name]));
  if (m.logins.length === 0) {
    return html`<p class="empty">${
      m.recording
        ? `No login${m.clientId !== undefined ? ' of this client' : ''} yet. Start one from your app: its steps appear here as they happen.`
        : 'Nothing is recorded: the provider runs with --inspector off.'
    }</p>`;
  }
  return html`${m.logins.map((l, i) => loginItem(l, names, i === 0))}`;
}

/** The timeline alone: what the page's script swaps in on every update. */
export function loginsTimeline(m: Pick<LoginsPageModel, 'logins' | 'clients' | 'clientId' | 'recording'>): string {
  return timeline(m).value;
}

export function loginsPage(chrome: PortalChrome, m: LoginsPageModel): string {
  const query = m.clientId !== undefined ? `?client_id=${encodeURIComponent(m.clientId)}` : '';
  const current = m.clients.find((c) => c.id === m.clientId);
  return portalPage(
    chrome,
    current ? `Logins of ${current.name}` : 'Logins',
    html`<section class="card">
<div class="heading-row">
<h1>${current ? html`Logins of ${current.name}` : 'Logins'}</h1>
<form method="get" action="/portal/logins" class="inline-form client-filter">
<label for="client-filter">Client</label>
<select id="client-filter" name="client_id">
<option value=""${m.clientId === undefined ? html` selected` : ''}>All clients</option>
${m.clients.map((c) => html`<option value="${c.id}"${c.id === m.clientId ? html` selected` : ''}>${c.name} (${c.id})</option>`)}
</select>
<button type="submit" class="button secondary">Show</button>
</form>
</div>
<p>Every step of each login as the provider saw it: the checks it ran, the one that refused it and how to fix your request. Secrets, codes and tokens are masked; personal data is never recorded. Logins are kept for ${minutes(m.retentionSeconds)}.</p>
<p class="hint">Also as JSON: <a href="/portal/api/logins${query}"><code>/portal/api/logins${query}</code></a>, and in a terminal: <code>sgid-provider logins tail${m.clientId !== undefined ? ` --client ${m.clientId}` : ''}</code>.${current ? html` Test how your app handles bad answers: <a href="/portal/clients/${encodeURIComponent(current.id)}/conformance">conformance run</a>.` : ''}</p>
<p id="live-status" class="live-status" role="status">Updates live.</p>
</section>
<div id="live" class="timeline" data-live-url="/portal/logins/live${query}">
${timeline(m)}
</div>`,
    { scripts: ['live.js'] },
  );
}
