// What `npm test` sets up before the tests, so that on a fresh machine the README's test command
// takes the path CI takes: Debian's Chromium installed with apt-get when a selected test needs a
// browser and it is missing; the local PostgreSQL and Redis started when they are installed but
// down; SGID_TEST_DATABASE_URL / SGID_TEST_REDIS_URL set for the children. What cannot be had
// (no root for apt-get, a service not installed) is reported by name, with the command that fixes
// it, before and after the tests; the tests that need it then fail (browser, CI) or say that they
// did not run (stores outside CI).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const say = (line) => console.log(`== ${line}`);
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether something accepts TCP connections at host:port (within 1 s). */
function listening(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `ready` every 300 ms for up to `seconds`. */
async function waitFor(ready, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await ready()) return true;
    await sleep(300);
  }
  return false;
}

/** apt-get install of Debian packages, as root; returns an error message or undefined. */
function aptInstall(packages) {
  if (!isRoot() || !has('apt-get')) {
    return `cannot install ${packages.join(' ')} here (needs root and apt-get): run  apt-get install -y ${packages.join(' ')}`;
  }
  say(`installing ${packages.join(' ')} from Debian's packages (apt-get; once)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env });
    return undefined;
  } catch (err) {
    return `apt-get install ${packages.join(' ')} failed (${err.message.split('\n')[0]})`;
  }
}

/** Whether a selected test file drives Chromium (it or its suite's helper says so). */
export function needsBrowser(files) {
  return files.some((file) => /\bchromium\b|helpers\/browser|launchChromium/i.test(readFileSync(file, 'utf8')));
}

/** Whether a selected test file uses PostgreSQL or Redis (directly or through the store helpers). */
export function needsStores(files) {
  return files.some((file) => /store-services|provider-process|SGID_TEST_(DATABASE|REDIS)_URL|postgres|redis/i.test(readFileSync(file, 'utf8')));
}

/** Chromium for the browser tests: Debian's package, installed when missing. */
function ensureChromium(problems) {
  if (process.env.SGID_SKIP_BROWSER === '1') return say('browser tests skipped on purpose (SGID_SKIP_BROWSER=1)');
  const path = process.env.SGID_CHROMIUM || '/usr/bin/chromium';
  if (existsSync(path)) return;
  if (process.env.SGID_CHROMIUM) return problems.push(`Chromium not found at SGID_CHROMIUM=${path}: the browser tests fail`);
  const failed = aptInstall(['chromium']);
  if (failed || !existsSync(path)) problems.push(`Chromium is missing: ${failed ?? `apt-get did not install ${path}`}; the browser tests fail`);
}

/**
 * The test URL of a service: the variable when set; else the local default (`fallback`) if it
 * answers or `start()` brings it up, else a problem saying so.
 */
export async function ensureService({ name, variable, fallback, start }, problems) {
  const configured = process.env[variable];
  if (configured) return;
  const { hostname, port } = new URL(fallback);
  if (!(await listening(hostname, Number(port)))) {
    const failed = await start();
    if (failed || !(await waitFor(() => listening(hostname, Number(port)), 30))) {
      problems.push(
        `${name} tests NOT RUN (reported as skipped; failures under CI=true): nothing answers at ${hostname}:${port} — ` +
          `${failed ?? `${name} did not come up within 30 s`}; or set ${variable}`,
      );
      return;
    }
  }
  process.env[variable] = fallback;
}

/** Starts Debian's PostgreSQL cluster (as the CI machine has it); an error message or undefined. */
async function startPostgres() {
  if (!existsSync('/etc/postgresql') || !has('pg_ctlcluster')) return 'PostgreSQL is not installed (Debian: apt-get install postgresql)';
  if (!isRoot()) return 'PostgreSQL is installed but down; start it as root: pg_ctlcluster <version> main start';
  const version = readdirSync('/etc/postgresql').sort().pop();
  say(`starting PostgreSQL ${version}`);
  const res = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { encoding: 'utf8' });
  if (res.status !== 0) return `pg_ctlcluster ${version} main start failed: ${(res.stderr || res.stdout).trim()}`;
  const ready = await waitFor(() => spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']).status === 0, 30);
  if (!ready) return 'PostgreSQL started but is not ready after 30 s';
  // The tests use the database "test"; a new cluster has only "postgres".
  const exists = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', "SELECT 1 FROM pg_database WHERE datname = 'test'"], { encoding: 'utf8' });
  if (exists.status === 0 && exists.stdout.trim() !== '1') spawnSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', 'test']);
  return undefined;
}

/** Starts a local Redis that keeps nothing on disk; an error message or undefined. */
async function startRedis() {
  if (!has('redis-server')) return 'Redis is not installed (Debian: apt-get install redis-server)';
  say('starting Redis');
  const dir = isRoot() ? '/var/lib/redis' : undefined;
  const args = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no'];
  if (dir) {
    mkdirSync(dir, { recursive: true });
    mkdirSync('/var/log/redis', { recursive: true });
    args.push('--dir', dir, '--logfile', '/var/log/redis/ci.log');
  }
  const res = spawnSync('redis-server', args, { encoding: 'utf8' });
  return res.status === 0 ? undefined : `redis-server failed to start: ${(res.stderr || res.stdout).trim()}`;
}

/** Debian packages some suite needs (e.g. the Python suites'), installed with apt-get when missing. */
function ensureDebianPackages(packages, problems) {
  if (packages.length === 0) return;
  const failed = aptInstall(packages);
  if (failed) problems.push(`${failed}; the tests that need them do not run`);
}

/**
 * Prepares the machine for the selected test files (and the Debian packages other suites need). Returns the problems that remain (each a
 * sentence saying which tests it stops and how to fix it), already printed.
 */
export async function prepareTestEnvironment(files, debianPackages = []) {
  const problems = [];
  if (needsBrowser(files)) ensureChromium(problems);
  // The HTTPS test makes its certificate with the README's openssl one-liner.
  const tls = files.some((file) => /singpass-tls/.test(file)) && !has('openssl') ? ['openssl'] : [];
  ensureDebianPackages([...debianPackages, ...tls], problems);
  if (needsStores(files)) {
    await ensureService({ name: 'PostgreSQL', variable: 'SGID_TEST_DATABASE_URL', fallback: DEFAULT_DATABASE_URL, start: startPostgres }, problems);
    await ensureService({ name: 'Redis', variable: 'SGID_TEST_REDIS_URL', fallback: DEFAULT_REDIS_URL, start: startRedis }, problems);
  }
  reportProblems(problems);
  return problems;
}

/** Prints what the environment lacks, so that it is the first and the last thing a run says. */
export function reportProblems(problems) {
  for (const problem of problems) console.error(`== ${problem}`);
}
