#!/usr/bin/env node
// `npm start`: the local sgID provider on :5156 and the ice-cream demo on :5001, ready to log in.
// On first start it registers the demo's client with the provider's CLI and keeps the
// credentials in .sgid/demo-credentials.json (git-ignored); later starts reuse them, and
// register again when the store no longer has that client (e.g. .sgid/sgid.db was deleted).
// Ports: SGID_PORT (provider), DEMO_PORT (demo). Every other SGID_* variable reaches the provider.
// Ctrl-C stops both.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages/provider/bin/sgid-provider.js');
const DEMO = join(ROOT, 'examples/express-spa/src/main.ts');
const CREDENTIALS = join(ROOT, '.sgid/demo-credentials.json');
const CLIENT_ID = 'icecream-demo';

const providerPort = Number(process.env.SGID_PORT || 5156);
const demoPort = Number(process.env.DEMO_PORT || 5001);
const providerUrl = (process.env.SGID_PUBLIC_URL || `http://localhost:${providerPort}`).replace(/\/+$/, '');
const demoUrl = `http://localhost:${demoPort}`;
const redirectUri = `${demoUrl}/api/redirect`;
const execFileP = promisify(execFile);

function log(message) {
  process.stdout.write(`${message}\n`);
}

function die(message) {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
}

/** Runs the provider's CLI (same data, same env) and returns its stdout. */
async function cli(...args) {
  try {
    const { stdout } = await execFileP(process.execPath, [CLI, ...args], { cwd: ROOT, env: process.env, maxBuffer: 4 << 20 });
    return stdout;
  } catch (err) {
    die(`sgid-provider ${args.slice(0, 2).join(' ')} failed:\n${err.stderr || err.message}`);
  }
}

function readSaved() {
  try {
    const saved = JSON.parse(readFileSync(CREDENTIALS, 'utf8'));
    return saved && typeof saved.secret === 'string' && typeof saved.privateKey === 'string' ? saved : undefined;
  } catch {
    return undefined;
  }
}

/** The demo's credentials: the saved ones while the store still has that client, else new ones. */
async function demoCredentials() {
  const saved = readSaved();
  const clients = JSON.parse(await cli('clients', 'list', '--json'));
  const registered = clients.find((c) => c.id === CLIENT_ID);
  if (
    saved &&
    registered &&
    saved.id === CLIENT_ID &&
    registered.publicKey === saved.publicKey &&
    registered.redirectUris.includes(redirectUri)
  ) {
    return { creds: saved, fresh: false };
  }
  if (registered) {
    log(`Re-registering the demo's client "${CLIENT_ID}": the saved credentials do not match the provider's store.`);
    await cli('clients', 'delete', CLIENT_ID);
  }
  const out = await cli(
    'clients', 'create',
    '--name', 'Ice cream demo',
    '--description', 'The sgID docs\' ice-cream demo: shows your name next to the flavour you picked.',
    '--redirect-uri', redirectUri,
    '--scope', 'openid myinfo.name',
    '--id', CLIENT_ID,
    '--json',
  );
  const creds = JSON.parse(out);
  mkdirSync(dirname(CREDENTIALS), { recursive: true });
  writeFileSync(CREDENTIALS, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  chmodSync(CREDENTIALS, 0o600);
  return { creds, fresh: true };
}

/** Starts a child whose output lines are prefixed with its name. */
function run(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
    stream.on('end', () => buffered && out.write(`[${name}] ${buffered}\n`));
  }
  return child;
}

async function waitUntilUp(url, child, what) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  die(`${what} did not answer at ${url} within 60 s`);
}

for (const [name, port] of [['SGID_PORT', providerPort], ['DEMO_PORT', demoPort]]) {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) die(`${name}=${port} is not a TCP port`);
}

mkdirSync(join(ROOT, '.sgid'), { recursive: true });
const { creds, fresh } = await demoCredentials();
log(fresh ? `Registered the demo's client "${CLIENT_ID}" (credentials in .sgid/demo-credentials.json).` : `Using the demo's client "${CLIENT_ID}" from .sgid/demo-credentials.json.`);

const children = [];
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }, 5000);
  force.unref();
  Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((r) => c.once('exit', r))))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => {
  log('\nStopping the provider and the demo…');
  stopAll(0);
});
process.on('SIGTERM', () => stopAll(0));

const provider = run('provider', [CLI, 'start'], { ...process.env, SGID_PORT: String(providerPort) });
children.push(provider);
const demo = run('demo', ['--conditions=sgid-source', '--import', 'tsx', DEMO], {
  ...process.env,
  SGID_CREDENTIALS_FILE: CREDENTIALS,
  SGID_HOSTNAME: providerUrl,
  DEMO_PORT: String(demoPort),
  DEMO_COOKIE_SECRET: process.env.DEMO_COOKIE_SECRET || randomBytes(32).toString('base64url'),
});
children.push(demo);
for (const [name, child] of [['provider', provider], ['demo', demo]]) {
  child.on('exit', (code, signal) => {
    if (stopping) return;
    // Ctrl-C in a terminal signals the whole process group: the children stop by themselves.
    if (signal === 'SIGINT' || signal === 'SIGTERM' || code === 0) return stopAll(0);
    process.stderr.write(`npm start: the ${name} stopped (${signal ?? `exit code ${code}`}); stopping the other one too.\n`);
    stopAll(code || 1);
  });
}

const up =
  (await waitUntilUp(`${providerUrl}/v2/.well-known/openid-configuration`, provider, 'the provider')) &&
  (await waitUntilUp(`${demoUrl}/api/flavours`, demo, 'the demo'));
if (up && !stopping) {
  log(
    [
      '',
      '  ┌───────────────────────────────────────────────────────────────',
      `  │ Provider: ${providerUrl}   (portal: ${providerUrl}/portal)`,
      `  │ Demo:     ${demoUrl}   — open it and log in`,
      '  │',
      `  │ Pick a flavour, press "Login with Singpass", then scan the QR code — or press`,
      '  │ "Open the Singpass app on this device" — choose a test persona and approve.',
      `  │ Demo client: ${creds.id}. Ctrl-C stops both.`,
      '  └───────────────────────────────────────────────────────────────',
      '',
    ].join('\n'),
  );
}
