/**
 * Drives a login through the provider's pages over HTTP, as a browser and a phone would:
 * the QR page, the wallet opened from the QR's URL, persona, consent, decision, then the
 * browser's "continue" that redirects to the client.
 */
import assert from 'node:assert/strict';

const decodeEntities = (s: string) =>
  s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

function attr(page: string, pattern: RegExp, what: string): string {
  const m = pattern.exec(page);
  assert.ok(m, `${what} not found in page:\n${page.slice(0, 2000)}`);
  return decodeEntities(m[1]!);
}

export interface QrPage {
  html: string;
  walletUrl: string;
  statusUrl: string;
  continueUrl: string;
}

/** GET the authorize URL; expects the QR page. */
export async function openQrPage(authorizeUrl: string): Promise<QrPage> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await res.text();
  assert.equal(res.status, 200, `authorize answered ${res.status}: ${res.headers.get('location') ?? html.slice(0, 500)}`);
  const origin = new URL(authorizeUrl).origin;
  return {
    html,
    walletUrl: attr(html, /id="open-wallet" href="([^"]+)"/, 'wallet link'),
    statusUrl: origin + attr(html, /data-status-url="([^"]+)"/, 'status URL'),
    continueUrl: origin + attr(html, /data-continue-url="([^"]+)"/, 'continue URL'),
  };
}

/** In the wallet: choose a persona, read the consent page, approve or decline. Returns the consent page HTML. */
export async function answerInWallet(walletUrl: string, personaId: string | undefined, decision: 'approve' | 'decline'): Promise<string> {
  const picker = await fetch(walletUrl);
  const pickerHtml = await picker.text();
  assert.equal(picker.status, 200, pickerHtml.slice(0, 500));
  const origin = new URL(walletUrl).origin;
  const action = attr(pickerHtml, /<form method="get" action="([^"]+)"/, 'persona form');
  const persona = personaId ?? attr(pickerHtml, /name="persona" value="([^"]+)"/, 'first persona');
  const consent = await fetch(`${origin}${action}?persona=${encodeURIComponent(persona)}`);
  const consentHtml = await consent.text();
  assert.equal(consent.status, 200, consentHtml.slice(0, 500));
  const decisionAction = attr(consentHtml, /<form method="post" action="([^"]+)"/, 'decision form');
  const done = await fetch(origin + decisionAction, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ persona, decision }).toString(),
  });
  assert.equal(done.status, 200, await done.text());
  return consentHtml;
}

/** The browser continues: returns the Location it is redirected to. */
export async function continueToClient(qr: QrPage): Promise<URL> {
  const status = (await (await fetch(qr.statusUrl)).json()) as { status: string };
  assert.notEqual(status.status, 'pending');
  const res = await fetch(qr.continueUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get('location')!);
}

/** The whole login through the pages; returns the redirect back to the client. */
export async function loginThroughWallet(authorizeUrl: string, personaId?: string, decision: 'approve' | 'decline' = 'approve'): Promise<URL> {
  const qr = await openQrPage(authorizeUrl);
  await answerInWallet(qr.walletUrl, personaId, decision);
  return continueToClient(qr);
}

/** A page as a browser gets it, without following a redirect. */
export async function page(url: string, init?: RequestInit): Promise<{ status: number; html: string; location: string | null; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, html: await res.text(), location: res.headers.get('location'), headers: res.headers };
}

/** The consent screen's form, sent straight to the wallet's decision endpoint. */
export const decide = (walletUrl: string, persona: string, decision: string) =>
  page(`${walletUrl}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ persona, decision }).toString(),
  });
