/**
 * The README's "complete login in ten lines" runs as written — read from the README itself — with
 * three substitutions that point it at the local provider instead of Singpass staging: the
 * issuer (plus `allowHttpLoopback`), the redirect URI's origin and the port. A Myinfo login then
 * goes through it over HTTP and ends on the page its `onSuccess` writes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSingpassClient } from '../../provider/src/portal/singpass-clients.ts';
import { builtInPersonas } from '../../provider/src/wallet/personas/index.ts';
import { DEADLINE_MS } from '../../provider/test/helpers/deadlines.ts';
import { freePort, startProvider, type TestProvider } from '../../provider/test/helpers/provider.ts';
import { generateKeys, toPublicJwks } from '../src/index.ts';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(PKG, 'README.md'), 'utf8');

/** The code block under the heading that starts with `heading`. */
function codeUnder(heading: string): string {
  const at = README.indexOf(`\n## ${heading}`);
  assert.ok(at >= 0, `README has a "${heading}" section`);
  const block = /```ts\n([\s\S]*?)```/.exec(README.slice(at));
  assert.ok(block, `a ts block under "${heading}"`);
  return block[1]!;
}

let provider: TestProvider;
let app: ChildProcess | undefined;
let dir: string;

before(async () => {
  provider = await startProvider({ autoApprove: builtInPersonas(new Date())[0]!.id });
  dir = mkdtempSync(join(PKG, 'test/.readme-'));
});
after(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise((r) => app!.once('exit', r));
    app.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  await provider.close();
});

test('the README’s ten-line Express login runs as written and logs a Myinfo user in', { timeout: 4 * DEADLINE_MS }, async () => {
  const code = codeUnder('A complete login in ten lines');
  assert.ok(code.trim().split('\n').length <= 11, 'about ten lines');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const substituted = code
    .replace('issuer: SINGPASS_ISSUERS.staging,', `issuer: '${provider.url}/fapi', allowHttpLoopback: true,`)
    .replace("redirectUri: 'https://app.example.sg/callback'", `redirectUri: '${origin}/callback'`)
    .replace('app.listen(3000);', `app.listen(${port}, '127.0.0.1', () => console.log('listening'));`);
  assert.equal((substituted.match(/127\.0\.0\.1|allowHttpLoopback/g) ?? []).length >= 4, true, 'the three substitutions applied');

  const keys = (await generateKeys()).privateJwks;
  const client = await createSingpassClient(provider.store, {
    name: 'README app',
    description: 'the README’s ten lines',
    appType: 'myinfo',
    scopes: 'openid uinfin name',
    redirectUris: [`${origin}/callback`],
    jwks: toPublicJwks(keys),
  });
  const file = join(dir, 'ten-lines.mts');
  writeFileSync(file, substituted);
  app = spawn(process.execPath, ['--conditions=sgid-source', '--import', 'tsx', file], {
    cwd: PKG,
    env: { ...process.env, SINGPASS_CLIENT_ID: client.id, SINGPASS_KEYS: JSON.stringify(keys), COOKIE_SECRET: 'a-cookie-secret-of-at-least-32-characters' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  app.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const deadline = Date.now() + DEADLINE_MS;
  while (!output.includes('listening')) {
    if (app.exitCode !== null) assert.fail(`the README's code exited (${app.exitCode}):\n${output}`);
    if (Date.now() > deadline) assert.fail(`the README's code did not listen within ${DEADLINE_MS} ms:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  // The browser: /login → Singpass (automation mode answers at once) → /callback with the cookie.
  const start = await fetch(`${origin}/login`, { redirect: 'manual' });
  assert.equal(start.status, 302);
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const approved = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  assert.equal(approved.status, 302);
  const done = await fetch(approved.headers.get('location')!, { headers: { cookie } });
  const persona = builtInPersonas(new Date())[0]!;
  assert.equal(done.status, 200, output);
  assert.match(await done.text(), new RegExp(`^Hello ${persona.values['myinfo.name']} \\([0-9a-f-]{36}\\)$`));
  const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
  assert.deepEqual(jwks, toPublicJwks(keys));
});
