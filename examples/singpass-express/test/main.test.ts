/**
 * The one command (`npm run singpass-example`, src/main.ts) as a user runs it: it starts a provider
 * (automation mode here, through SGID_AUTO_APPROVE), makes the keys, serves the JWKS, registers
 * both clients; a Myinfo login then works; a second start keeps the registrations; Ctrl-C stops
 * everything it started. Ports, store and keys are the test's own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../packages/provider/test/helpers/provider.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--conditions=sgid-source', '--import', 'tsx', 'examples/singpass-express/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  return { child, output: () => output };
}

async function until(run: Run, pattern: RegExp, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(run.output())) {
    if (run.child.exitCode !== null) assert.fail(`the example exited (${run.child.exitCode}):\n${run.output()}`);
    if (Date.now() > deadline) assert.fail(`no ${pattern} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null) return;
  const exited = new Promise((r) => run.child.once('exit', r));
  run.child.kill('SIGINT');
  await exited;
}

/** A Myinfo login as a browser does it (cookies, redirects): the home page afterwards. */
async function myinfoLogin(base: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = `${base}/myinfo`;
  for (let i = 0; i < 8; i++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const set of res.headers.getSetCookie()) {
      const pair = set.split(';')[0]!;
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    }
    if (res.status < 300 || res.status >= 400) return res.text();
    url = new URL(res.headers.get('location')!, url).href;
  }
  assert.fail('too many redirects');
}

test('npm run singpass-example: provider, keys, JWKS and both clients in one command', { timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'singpass-example-'));
  const env = {
    SGID_PORT: String(await freePort()),
    SINGPASS_EXAMPLE_PORT: String(await freePort()),
    SGID_DATA: join(dir, 'sgid.db'),
    SINGPASS_EXAMPLE_KEYS_DIR: join(dir, 'keys'),
    SGID_AUTO_APPROVE: 'S8534127H',
    SGID_LOG_LEVEL: 'warn',
  };
  const base = `http://localhost:${env.SINGPASS_EXAMPLE_PORT}`;
  let run = start(env);
  t.after(async () => {
    await stop(run);
    rmSync(dir, { recursive: true, force: true });
  });
  await until(run, /Ctrl-C stops\./);
  assert.match(run.output(), /Login app {2}SingpassExampleLoginApp000000001 \(registered\)/);
  assert.match(run.output(), /started here/);
  for (const kind of ['login', 'myinfo']) assert.equal(statSync(join(dir, 'keys', `${kind}-keys.json`)).mode & 0o777, 0o600);
  const page = await myinfoLogin(base);
  assert.match(page, /Your Myinfo data/);
  assert.match(page, /S8534127H/);

  await stop(run);
  run = start(env);
  await until(run, /Ctrl-C stops\./);
  assert.match(run.output(), /Myinfo app SingpassExampleMyinfoApp00000001 \(kept\)/, 'the same keys and URLs: kept');
  assert.match(await myinfoLogin(base), /S8534127H/);
  await stop(run);
  // Everything it started has stopped: nothing answers on either port.
  for (const port of [env.SGID_PORT, env.SINGPASS_EXAMPLE_PORT]) {
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }));
  }
});
