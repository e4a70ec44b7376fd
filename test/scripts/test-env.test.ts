/** `npm test`'s set-up (scripts/test-env.mjs): which services it uses, starts or reports. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../packages/provider/test/helpers/ports.ts';
// @ts-expect-error: a plain .mjs script without declarations
import { ensureService, needsBrowser, needsStores } from '../../scripts/test-env.mjs';

type Ensure = (service: { name: string; variable: string; fallback: string; start: () => Promise<string | undefined> }, problems: string[]) => Promise<void>;
const ensure = ensureService as Ensure;
const VARIABLE = 'SGID_TEST_ENV_PROBE_URL';

function listen(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

test('a service already answering: its URL is set, nothing is started', async (t) => {
  const port = await freePort();
  const server = await listen(port);
  t.after(() => server.close());
  delete process.env[VARIABLE];
  const problems: string[] = [];
  let started = false;
  await ensure({ name: 'Probe', variable: VARIABLE, fallback: `redis://127.0.0.1:${port}`, start: async () => ((started = true), undefined) }, problems);
  assert.deepEqual(problems, []);
  assert.equal(started, false);
  assert.equal(process.env[VARIABLE], `redis://127.0.0.1:${port}`);
});

test('a service that is down is started, then its URL is set', async (t) => {
  const port = await freePort();
  delete process.env[VARIABLE];
  const problems: string[] = [];
  let server: Server | undefined;
  t.after(() => server?.close());
  await ensure({ name: 'Probe', variable: VARIABLE, fallback: `redis://127.0.0.1:${port}`, start: async () => ((server = await listen(port)), undefined) }, problems);
  assert.deepEqual(problems, []);
  assert.equal(process.env[VARIABLE], `redis://127.0.0.1:${port}`);
});

test('a service that cannot be had: the URL stays unset and the problem names it, the port and the fix', async () => {
  const port = await freePort();
  delete process.env[VARIABLE];
  const problems: string[] = [];
  await ensure({ name: 'Probe', variable: VARIABLE, fallback: `redis://127.0.0.1:${port}`, start: async () => 'Probe is not installed (Debian: apt-get install probe)' }, problems);
  assert.equal(process.env[VARIABLE], undefined);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, new RegExp(`^Probe tests NOT RUN .*127\\.0\\.0\\.1:${port} — Probe is not installed \\(Debian: apt-get install probe\\); or set ${VARIABLE}$`));
});

test('a URL given by the user is kept as it is, even when nothing answers there', async () => {
  process.env[VARIABLE] = 'redis://user-chosen.invalid:1';
  const problems: string[] = [];
  await ensure({ name: 'Probe', variable: VARIABLE, fallback: 'redis://127.0.0.1:1', start: async () => assert.fail('must not start anything') }, problems);
  assert.equal(process.env[VARIABLE], 'redis://user-chosen.invalid:1');
  assert.deepEqual(problems, []);
  delete process.env[VARIABLE];
});

test('which selected files need Chromium and the stores', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sgid-test-env-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const browser = file('a.test.ts', "import { launchChromium } from './helpers/browser.ts';");
  const stores = file('b.test.ts', "import { postgresUnreachable } from './helpers/store-services.ts';");
  const plain = file('c.test.ts', "import { SgidClient } from 'sgid-client';");
  assert.equal(needsBrowser([plain, stores]), false);
  assert.equal(needsBrowser([plain, browser]), true);
  assert.equal(needsStores([plain, browser]), false);
  assert.equal(needsStores([plain, stores]), true);
});
