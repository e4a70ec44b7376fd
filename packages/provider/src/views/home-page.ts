import { PATHS } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { html } from './html.js';
import { page } from './layout.js';

export function homePage(ctx: ProviderContext): string {
  const o = ctx.config.publicUrl;
  return page(
    { title: 'sgID provider (local)' },
    html`<section class="card">
<p class="eyebrow">sgID v2 · local provider</p>
<h1>sgID provider</h1>
<p>Point your app (official <code>@opengovsg/sgid-client</code> or this project's <code>sgid-client</code>) at <code>hostname: "${o}"</code>.</p>
<ul>
<li>Issuer: <code>${ctx.config.issuer}</code></li>
<li><a href="${PATHS.discovery}">Discovery document</a> · <a href="${PATHS.jwks}">JWKS</a></li>
<li><a href="/portal">Developer portal</a>: register a client</li>
</ul>
${ctx.config.autoApprove ? html`<p class="hint">Automation mode: every valid authorize request is approved at once as persona <code>${ctx.config.autoApprove}</code>.</p>` : ''}
</section>`,
  );
}
