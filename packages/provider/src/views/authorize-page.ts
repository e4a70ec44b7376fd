/**
 * The page a relying party sends the user to: the QR code to scan with the (simulated) Singpass
 * app, a live status line while it waits, and what to do when the code expires.
 */
import QRCode from 'qrcode';
import { html, trusted } from './html.js';
import { page } from './layout.js';

export interface AuthorizePageModel {
  clientName: string;
  walletUrl: string;
  statusUrl: string;
  continueUrl: string;
  restartUrl: string;
  expiresAt: number;
  /** The provider's time now (its clock decides when the login expires). */
  now: number;
  /** Which service the page speaks for (default sgID). */
  service?: 'sgID' | 'Singpass';
  /**
   * What an expired code offers: a new QR code (default), or — when the request cannot be
   * made again here (a Singpass request_uri is single use) — the way back to the app.
   */
  restartLabel?: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

export async function authorizePage(m: AuthorizePageModel): Promise<string> {
  // Dark modules on white with a 4-module quiet zone (the QR standard's), so any phone camera
  // (and a decoder reading a screenshot) finds it; the SVG scales without blurring.
  const svg = await QRCode.toString(m.walletUrl, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    color: { dark: '#000000', light: '#ffffff' },
  });
  const wallet = new URL(m.walletUrl);
  const loopback = LOOPBACK.has(wallet.hostname);
  const port = wallet.port || (wallet.protocol === 'https:' ? '443' : '80');
  return page(
    {
      title: `Log in to ${m.clientName} with Singpass`,
      scripts: ['authorize.js'],
      data: { 'status-url': m.statusUrl, 'continue-url': m.continueUrl, 'expires-at': String(m.expiresAt) },
    },
    html`<section class="card qr-card" aria-labelledby="qr-title">
<p class="eyebrow">${m.service ?? 'sgID'} · Log in with the Singpass app</p>
<h1 id="qr-title">Log in to ${m.clientName}</h1>
<ol class="qr-steps">
<li>Open the Singpass app on your phone.</li>
<li>Tap <strong>Scan</strong> and point the camera at this QR code.</li>
<li>Check what ${m.clientName} asks for, then tap <strong>Approve</strong>.</li>
</ol>
<figure class="qr" id="qr" role="img" aria-label="QR code that opens the Singpass app for this login">${trusted(svg)}</figure>
<p id="status" class="status" role="status" aria-live="polite">Waiting for you to approve in the Singpass app…</p>
<p id="time-left" class="time-left">This QR code expires in ${minutes(m.expiresAt - m.now)}.</p>
<p class="open-wallet"><a class="button secondary" id="open-wallet" href="${m.walletUrl}" target="_blank" rel="noopener">Open the Singpass app on this device</a></p>
<noscript><p><a class="button" href="${m.continueUrl}">I have approved — continue</a></p></noscript>
<div id="expired" class="expired" hidden>
<h2>This QR code has expired</h2>
<p>For your security, a QR code can be used only for a few minutes. Nothing was shared with ${m.clientName}.</p>
<p><a class="button" id="restart" href="${m.restartUrl}">${m.restartLabel ?? 'Get a new QR code'}</a></p>
</div>
${
  loopback
    ? html`<p class="hint qr-hint">Testing with a real phone? It must be able to reach this provider: start it with <code>--host 0.0.0.0 --public-url ${`http://<your computer's IP>:${port}`}</code>. Or use the button above to open the test wallet here.</p>`
    : ''
}
</section>`,
  );
}
