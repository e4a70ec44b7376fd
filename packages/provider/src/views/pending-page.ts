import { html } from './html.js';
import { page } from './layout.js';

/** Shown when the browser continues before the person has answered in the wallet. */
export function walletPendingPage(continueUrl: string): string {
  return page(
    { title: 'Waiting for the Singpass app' },
    html`<section class="card" role="status">
<h1>Still waiting</h1>
<p>The login has not been approved in the Singpass app yet. Approve it there, then continue.</p>
<p><a class="button" href="${continueUrl}">Continue</a></p>
</section>`,
  );
}
