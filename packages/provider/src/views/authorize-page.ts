/** The page a relying party sends the user to: the QR code to scan with the (simulated) Singpass app. */
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
}

export async function authorizePage(m: AuthorizePageModel): Promise<string> {
  const svg = await QRCode.toString(m.walletUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return page(
    {
      title: `Log in to ${m.clientName} with Singpass`,
      scripts: ['authorize.js'],
      data: { 'status-url': m.statusUrl, 'continue-url': m.continueUrl, 'expires-at': String(m.expiresAt) },
    },
    html`<section class="card qr-card">
<p class="eyebrow">sgID · Singpass app</p>
<h1>Log in to ${m.clientName}</h1>
<p>Scan this QR code with the Singpass app to log in.</p>
<figure class="qr" id="qr" aria-label="QR code that opens the Singpass app for this login">${trusted(svg)}</figure>
<p id="status" class="status" role="status" aria-live="polite">Waiting for you to approve in the Singpass app…</p>
<p><a class="button secondary" id="open-wallet" href="${m.walletUrl}" target="_blank" rel="noopener">Open the Singpass app on this device</a></p>
<noscript><p><a class="button" href="${m.continueUrl}">I have approved — continue</a></p></noscript>
<div id="expired" class="expired" hidden>
<p>This QR code has expired.</p>
<p><a class="button" href="${m.restartUrl}">Get a new QR code</a></p>
</div>
</section>`,
  );
}
