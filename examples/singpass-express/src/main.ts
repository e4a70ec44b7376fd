/**
 * The one command: `npm run singpass-example` (or `npm start -w examples/singpass-express`).
 *
 * 1. Each app's keys: .sgid/singpass-example/{login,myinfo}-keys.json (SINGPASS_EXAMPLE_KEYS_DIR),
 *    made on first start.
 * 2. The example on http://localhost:5003 (SINGPASS_EXAMPLE_PORT), serving both JWKS URLs.
 * 3. The provider: the one already answering on SGID_PUBLIC_URL (default http://localhost:5156,
 *    SGID_PORT) — e.g. from `npm start` — or else one started here (its output prefixed).
 * 4. Both clients registered with `sgid-provider singpass clients create … --jwks-uri …` under
 *    fixed ids (again when the store lost them or they changed), on the provider's store
 *    (SGID_DATA / SGID_DATABASE_URL… reach the CLI as they reach the provider).
 *
 * Ctrl-C stops what it started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LOGIN_SCOPES, MYINFO_SCOPES, loadOrCreateKeys, startExample } from './index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(ROOT, 'packages/provider/bin/sgid-provider.js');
const KEYS_DIR = process.env.SINGPASS_EXAMPLE_KEYS_DIR || join(ROOT, '.sgid/singpass-example');
const LOGIN_ID = 'SingpassExampleLoginApp000000001';
const MYINFO_ID = 'SingpassExampleMyinfoApp00000001';

const providerPort = Number(process.env.SGID_PORT || 5156);
const examplePort = Number(process.env.SINGPASS_EXAMPLE_PORT || 5003);
const providerUrl = (process.env.SGID_PUBLIC_URL || `http://localhost:${providerPort}`).replace(/\/+$/, '');
const issuer = `${providerUrl}/fapi`;
const log = (s: string) => process.stdout.write(`${s}\n`);
const execFileP = promisify(execFile);

function die(message: string): never {
  process.stderr.write(`singpass example: ${message}\n`);
  process.exit(1);
}

async function cli(...args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileP(process.execPath, [CLI, ...args], { cwd: ROOT, env: process.env, maxBuffer: 4 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return die(`sgid-provider ${args.slice(0, 3).join(' ')} failed:\n${e.stderr || e.message}`);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

let provider: ChildProcess | undefined;

/** The provider on SGID_PUBLIC_URL: the one running, or one started here. */
async function ensureProvider(): Promise<'reused' | 'started'> {
  const discovery = `${issuer}/.well-known/openid-configuration`;
  if (await answers(discovery)) return 'reused';
  provider = spawn(process.execPath, [CLI, 'start'], { cwd: ROOT, env: { ...process.env, SGID_PORT: String(providerPort) }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [stream, out] of [[provider.stdout!, process.stdout], [provider.stderr!, process.stderr]] as const) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) out.write(`[provider] ${line}\n`);
    });
  }
  provider.on('exit', (code, signal) => {
    if (!stopping) die(`the provider stopped (${signal ?? `exit code ${code}`})`);
  });
  const deadline = Date.now() + 60_000;
  while (!(await answers(discovery))) {
    if (Date.now() > deadline) die(`the provider did not answer at ${discovery} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return 'started';
}

interface RegisteredClient {
  id: string;
  appType: string;
  scopes: string[];
  redirectUris: string[];
  jwksUri?: string;
}

/** Registers a client under a fixed id, unless the store has it already as wanted. */
async function register(id: string, appType: 'login' | 'myinfo', name: string, scopes: string[], redirectUri: string, jwksUri: string): Promise<'kept' | 'registered'> {
  const clients = JSON.parse(await cli('singpass', 'clients', 'list', '--json')) as RegisteredClient[];
  const found = clients.find((c) => c.id === id);
  if (found && found.appType === appType && found.jwksUri === jwksUri && found.redirectUris.includes(redirectUri) && scopes.every((s) => found.scopes.includes(s))) return 'kept';
  if (found) await cli('singpass', 'clients', 'delete', id);
  await cli('singpass', 'clients', 'create', '--id', id, '--name', name, '--app-type', appType, '--scope', scopes.join(' '), '--redirect-uri', redirectUri, '--jwks-uri', jwksUri, '--json');
  return 'registered';
}

let stopping = false;
let running: Awaited<ReturnType<typeof startExample>> | undefined;
function stop(): void {
  if (stopping) return;
  stopping = true;
  log('\nStopping…');
  const providerExited = provider && provider.exitCode === null ? new Promise((r) => provider!.once('exit', r)) : undefined;
  provider?.kill('SIGTERM');
  void Promise.allSettled([running?.close(), providerExited]).then(() => process.exit(0));
  setTimeout(() => {
    provider?.kill('SIGKILL');
    process.exit(0);
  }, 10_000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

for (const [name, port] of [['SGID_PORT', providerPort], ['SINGPASS_EXAMPLE_PORT', examplePort]] as const) {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) die(`${name}=${port} is not a TCP port`);
}
const loginKeys = await loadOrCreateKeys(join(KEYS_DIR, 'login-keys.json'));
const myinfoKeys = await loadOrCreateKeys(join(KEYS_DIR, 'myinfo-keys.json'));
if (loginKeys.created || myinfoKeys.created) log(`Made the apps' keys in ${KEYS_DIR} (private JWKS, mode 600).`);

running = await startExample({
  issuer,
  port: examplePort,
  host: process.env.SINGPASS_EXAMPLE_HOST || '127.0.0.1',
  loginApp: { clientId: LOGIN_ID, keys: loginKeys.keys },
  myinfoApp: { clientId: MYINFO_ID, keys: myinfoKeys.keys },
  cookieSecret: process.env.SINGPASS_EXAMPLE_COOKIE_SECRET || randomBytes(32).toString('base64url'),
  allowHttpLoopback: true,
  log: (m) => process.stderr.write(`[example] ${m}\n`),
}).catch((err: Error) => die(`cannot listen on port ${examplePort}: ${err.message}`));
const url = running.url;

const how = await ensureProvider();
const registered = [
  await register(LOGIN_ID, 'login', 'Singpass example (Login app)', LOGIN_SCOPES, `${url}/login/callback`, `${url}/login/jwks.json`),
  await register(MYINFO_ID, 'myinfo', 'Singpass example (Myinfo app)', MYINFO_SCOPES, `${url}/myinfo/callback`, `${url}/myinfo/jwks.json`),
];
log(
  [
    '',
    '  ┌───────────────────────────────────────────────────────────────',
    `  │ Provider: ${providerUrl} (${how === 'reused' ? 'already running' : 'started here'}), FAPI issuer ${issuer}`,
    `  │ Example:  ${url}   — open it and log in`,
    '  │',
    `  │ Login app  ${LOGIN_ID} (${registered[0]}), JWKS ${url}/login/jwks.json`,
    `  │ Myinfo app ${MYINFO_ID} (${registered[1]}), JWKS ${url}/myinfo/jwks.json`,
    '  │ Scan the QR code with a phone (or open the link on this device), pick a persona, approve.',
    '  │ Ctrl-C stops.',
    '  └───────────────────────────────────────────────────────────────',
    '',
  ].join('\n'),
);
