/**
 * The systems under test run in their own processes, so that the RSS and CPU we report are
 * theirs and not the load generator's: our provider through its CLI, MockPass through its app.
 * Everything listens on 127.0.0.1 only.
 */
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../packages/provider/test/helpers/ports.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PROVIDER_BIN = join(ROOT, 'packages/provider/bin/sgid-provider.js');
const require = createRequire(import.meta.url);
export const MOCKPASS_DIR = dirname(require.resolve('@opengovsg/mockpass/package.json'));

/** Children still running, killed if the bench dies. */
const live = new Set<ChildProcess>();
export function killAllChildren(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Whether something accepts TCP connections at host:port within `ms`. */
export function reachable(host: string, port: number, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Runs the provider CLI for a one-shot command (clients create, personas list) and returns stdout. */
export function runCli(args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [PROVIDER_BIN, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sgid-provider ${args.slice(0, 2).join(' ')} failed: ${(stderr || err.message).trim().split('\n').slice(-3).join(' | ')}`));
      else resolve(stdout);
    });
  });
}

/** Kernel's view of a process: resident memory (now and peak) and CPU time. */
export interface ProcStats {
  rssMb: number;
  peakRssMb: number;
  cpuMs: number;
}

const CLK_TCK = 100; // USER_HZ on Linux

export function procStats(pid: number): ProcStats | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuMs: ((utime + stime) * 1000) / CLK_TCK };
  } catch {
    return undefined;
  }
}

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Date.now() when the process was spawned. */
  spawnedAt: number;
  stats(): ProcStats | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

async function waitUntilUp(child: ChildProcess, url: string, name: string, stderrTail: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it answered: ${stderrTail() || '(no output)'}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s: ${stderrTail()}`);
}

function track(child: ChildProcess, name: string, url: string, spawnedAt: number): ServerProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return {
    name,
    url,
    pid: child.pid!,
    spawnedAt,
    stats: () => procStats(child.pid!),
    stop: (graceMs = 15_000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function tailOf(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-2000);
  };
  child.stderr?.on('data', keep);
  child.stdout?.on('data', keep);
  return () => tail.trim().split('\n').slice(-4).join(' | ');
}

/**
 * Starts `sgid-provider start` in automation mode on a free loopback port. `storeArgs` are
 * `--data FILE` or `--database-url … --redis-url …`.
 */
export async function startProvider(opts: { storeArgs: string[]; autoApprove: string; cpuProfDir?: string; name: string }): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawnedAt = Date.now();
  const nodeFlags = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const child = spawn(
    process.execPath,
    [...nodeFlags, PROVIDER_BIN, 'start', '--auto-approve', opts.autoApprove, '--host', '127.0.0.1', '--port', String(port), '--public-url', url, ...opts.storeArgs, '--log-level', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const tail = tailOf(child);
  await waitUntilUp(child, `${url}/healthz`, opts.name, tail);
  return track(child, opts.name, url, spawnedAt);
}

/**
 * MockPass 4.3.4's sgID v2 mock. SHOW_LOGIN_PAGE unset (false) makes /v2/oauth/authorize
 * answer 302 with a code for MOCKPASS_NRIC's profile at once, like our --auto-approve. Its
 * request log (morgan + console) goes to /dev/null: that is how it runs in CI, and a pipe we
 * had to drain would steal CPU from the load generator.
 */
export async function startMockPass(): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawnedAt = Date.now();
  const script = `const { app } = require(${JSON.stringify(join(MOCKPASS_DIR, 'app.js'))}); app.listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: MOCKPASS_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', SHOW_LOGIN_PAGE: 'false', MOCKPASS_STATELESS: 'false', MOCKPASS_NRIC: 'S9812379B' },
  });
  // stderr carries console.error/warn (a line per request at most); drain it but keep the tail.
  const tail = tailOf(child);
  await waitUntilUp(child, `${url}/v2/.well-known/openid-configuration`, 'MockPass', tail);
  return track(child, 'MockPass', url, spawnedAt);
}

/** The client private key MockPass's sgID mock encrypts userinfo to (static/certs/key.pem). */
export function mockPassClientKey(): string {
  return readFileSync(join(MOCKPASS_DIR, 'static/certs/key.pem'), 'utf8');
}
