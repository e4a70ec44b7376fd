/**
 * `npm start` as the README promises it: the provider and the demo on SGID_PORT / DEMO_PORT,
 * the demo's client registered on first start with its credentials kept in
 * .sgid/demo-credentials.json, reused on the next start, registered again when the store lost
 * it, and Ctrl-C (SIGINT to the terminal's process group) stopping both.
 *
 * It runs scripts/start.mjs from a scratch copy of the repository's layout (the script and
 * symlinks to packages/, examples/ and node_modules/), so its .sgid/ is the scratch one and the
 * developer's own ./.sgid is never touched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEADLINE_MS } from '../../../packages/provider/test/helpers/deadlines.js';
import { freePort } from '../../../packages/provider/test/helpers/provider.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `node scripts/start.mjs` in its own process group, as a terminal runs it. */
function npmStart(root: string, env: Record<string, string>): Started {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SGID_') && k !== 'DEMO_PORT' && k !== 'NODE_TEST_CONTEXT' && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  running.add(child);
  void exited.then(() => running.delete(child));
  return { child, output: () => out, exited };
}

const running = new Set<ChildProcess>();
const roots: string[] = [];
after(() => {
  // A failed test must not leave a provider and a demo running.
  for (const c of running) if (c.pid) process.kill(-c.pid, 'SIGKILL');
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function waitFor(what: string, started: Started, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    if (await check()) return;
    if (started.child.exitCode !== null) assert.fail(`npm start exited (${started.child.exitCode}) before ${what}:\n${started.output()}`);
    if (Date.now() > deadline) assert.fail(`${what}: not within ${DEADLINE_MS} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const answers = (url: string) => fetch(url).then((r) => r.status, () => 0);

/** Ctrl-C: SIGINT to the whole process group; npm start exits 0 and both servers are gone. */
async function ctrlC(started: Started, ports: number[]): Promise<void> {
  process.kill(-started.child.pid!, 'SIGINT');
  assert.equal(await started.exited, 0, started.output());
  for (const port of ports) assert.equal(await answers(`http://127.0.0.1:${port}/`), 0, `port ${port} still answers after Ctrl-C`);
}

describe('npm start', { timeout: 10 * DEADLINE_MS }, () => {
  test('registers the demo client on SGID_PORT / DEMO_PORT, reuses its credentials, registers again when the store lost it; Ctrl-C stops both', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sgid-npm-start-'));
    roots.push(root);
    mkdirSync(join(root, 'scripts'));
    copyFileSync(join(REPO, 'scripts/start.mjs'), join(root, 'scripts/start.mjs'));
    for (const dir of ['packages', 'examples', 'node_modules']) symlinkSync(join(REPO, dir), join(root, dir), 'dir');
    const [sgidPort, demoPort] = [await freePort(), await freePort()];
    const env = { SGID_PORT: String(sgidPort), DEMO_PORT: String(demoPort) };
    const credentialsFile = join(root, '.sgid/demo-credentials.json');
    const provider = `http://localhost:${sgidPort}`;
    const demo = `http://localhost:${demoPort}`;

    /** Starts, waits for the banner, checks that the demo logs in through the provider with the saved client. */
    const startAndCheck = async () => {
      const started = npmStart(root, env);
      await waitFor('the banner', started, () => /Demo client: icecream-demo\. Ctrl-C stops both\./.test(started.output()));
      assert.match(started.output(), new RegExp(`Provider: ${provider} `));
      assert.match(started.output(), new RegExp(`Demo: +${demo} `));
      const creds = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { id: string; secret: string; redirectUris: string[] };
      assert.equal(creds.id, 'icecream-demo');
      assert.deepEqual(creds.redirectUris, [`${demo}/api/redirect`]);
      assert.equal(statSync(credentialsFile).mode & 0o777, 0o600, 'the credentials file is private');
      // The demo sends the browser to this provider with that client, and the provider accepts it.
      const auth = (await (await fetch(`${demo}/api/auth-url?icecream=vanilla`)).json()) as { url: string };
      const url = new URL(auth.url);
      assert.equal(url.origin, provider);
      assert.equal(url.searchParams.get('client_id'), 'icecream-demo');
      const qr = await fetch(url, { redirect: 'manual' });
      const page = await qr.text();
      assert.equal(qr.status, 200, `the provider refused the demo's authorize request: ${page.slice(0, 500)}`);
      assert.match(page, /Log in to Ice cream demo/);
      return { started, creds };
    };

    // First start: nothing saved, so the client is registered.
    const first = await startAndCheck();
    assert.match(first.started.output(), /Registered the demo's client "icecream-demo"/);
    assert.ok(existsSync(join(root, '.sgid/sgid.db')), 'the store is ./.sgid/sgid.db');
    await ctrlC(first.started, [sgidPort, demoPort]);

    // Second start: the saved credentials are used as they are.
    const second = await startAndCheck();
    assert.match(second.started.output(), /Using the demo's client "icecream-demo" from \.sgid\/demo-credentials\.json/);
    assert.equal(second.creds.secret, first.creds.secret);
    await ctrlC(second.started, [sgidPort, demoPort]);

    // The store is lost (deleted): the client is registered again, with new credentials.
    for (const f of ['sgid.db', 'sgid.db-wal', 'sgid.db-shm']) rmSync(join(root, '.sgid', f), { force: true });
    const third = await startAndCheck();
    assert.match(third.started.output(), /Registered the demo's client "icecream-demo"/);
    assert.notEqual(third.creds.secret, first.creds.secret);
    await ctrlC(third.started, [sgidPort, demoPort]);
  });
});
