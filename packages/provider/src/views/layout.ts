import { html } from './html.js';
import type { Html } from './html.js';

export interface PageOptions {
  title: string;
  /** Scripts under /static (no inline script: the CSP forbids it). */
  scripts?: string[];
  /** "phone" renders the wallet's narrow layout, "wide" the portal's (ids and URLs need room). */
  variant?: 'default' | 'phone' | 'wide';
  /** Data attributes for the page's script, on <main>. */
  data?: Record<string, string>;
}

export function page(opts: PageOptions, body: Html): string {
  const data = Object.entries(opts.data ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/style.css">
${(opts.scripts ?? []).map((s) => html`<script src="/static/${s}" defer></script>`)}
</head>
<body class="${opts.variant ?? 'default'}">
<main id="main"${data}>
${body}
</main>
</body>
</html>`.value;
}

/** A page that explains a refusal in words. */
export function errorPage(title: string, message: string, hint?: Html | string): string {
  return page(
    { title },
    html`<section class="card" role="alert">
<h1>${title}</h1>
<p>${message}</p>
${hint ? html`<p class="hint">${hint}</p>` : ''}
</section>`,
  );
}
