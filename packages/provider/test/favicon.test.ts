/**
 * Browsers ask every site for an icon. Every page links one, and `/favicon.ico` (what a browser
 * asks for when a page links none, e.g. a JSON endpoint opened in a tab) answers with it, so a
 * page load never leaves a "refused 404" line in the provider's log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEADLINE_MS } from './helpers/deadlines.js';
import { spawnProvider } from './helpers/provider-process.js';
import type { ProviderProcess } from './helpers/provider-process.js';

describe('favicon', { timeout: 4 * DEADLINE_MS }, () => {
  let proc: ProviderProcess;
  before(async () => {
    proc = await spawnProvider(['--data', ':memory:', '--log-level', 'info']);
  });
  after(() => proc.stop());

  it('every page links an icon that exists, /favicon.ico answers, and neither is logged', async () => {
    for (const path of ['/', '/portal', '/portal/clients/new']) {
      const page = await (await fetch(`${proc.url}${path}`)).text();
      const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(page)?.[1];
      assert.ok(href, `${path} links no icon`);
      const icon = await fetch(`${proc.url}${href}`);
      assert.equal(icon.status, 200, href);
      assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
      assert.match(await icon.text(), /^<svg /);
    }
    const ico = await fetch(`${proc.url}/favicon.ico`);
    assert.equal(ico.status, 200);
    assert.equal(ico.headers.get('content-type'), 'image/svg+xml');
    assert.match(ico.headers.get('cache-control') ?? '', /max-age=\d+/);
    assert.match(await ico.text(), /^<svg /);

    // A request that is refused is logged (the control): once its line is there, every line
    // of the requests before it is there too.
    assert.equal((await fetch(`${proc.url}/no-such-page`)).status, 404);
    const deadline = Date.now() + 10_000;
    while (!proc.stdout.some((l) => l.includes('"refused"'))) {
      assert.ok(Date.now() < deadline, `the refused request was never logged:\n${proc.stdout.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const refused = proc.stdout.filter((l) => l.includes('"refused"'));
    assert.equal(refused.length, 1, refused.join('\n'));
    assert.match(refused[0]!, /"status":404/);
  });
});
