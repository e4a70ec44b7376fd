/**
 * The provider as its users run it: `sgid-provider` child processes (the real CLI, its
 * signal handling and its logs), for the tests of several processes, key rotation,
 * operations and faults. Every child listens on 127.0.0.1 and is killed if the test dies.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEADLINE_MS } from './deadlines.js';
import { freePort, sleep } from './store-services.js';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const PROVIDER_BIN = fileURLToPath(new URL('../../bin/sgid-provider.js', import.meta.url));

/** The environment of a child: ours without the test runner's and without any SGID_ setting. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('SGID_') || k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot CLI command (clients create, keys rotate…). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = DEADLINE_MS): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PROVIDER_BIN, ...args], { cwd: ROOT, env: childEnv(env), timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ProviderProcess {
  readonly port: number;
  /** http://127.0.0.1:PORT — this process, whatever its --public-url. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything written so far, line by line. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
  /** Sends a signal (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function collect(stream: NodeJS.ReadableStream | null, lines: string[]): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    rest += chunk;
    const parts = rest.split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  stream?.on('end', () => {
    if (rest) lines.push(rest);
  });
}

/**
 * Starts `sgid-provider start --host 127.0.0.1 --port <free> …args` and waits until /healthz
 * answers. `--log-level warn` unless args set one.
 */
export async function spawnProvider(
  args: string[],
  opts: { env?: Record<string, string>; port?: number; timeoutMs?: number } = {},
): Promise<ProviderProcess> {
  const { env = {}, timeoutMs = DEADLINE_MS } = opts;
  const port = opts.port ?? (await freePort());
  const all = ['start', '--host', '127.0.0.1', '--port', String(port), ...args];
  if (!args.includes('--public-url') && !env['SGID_PUBLIC_URL']) all.push('--public-url', `http://127.0.0.1:${port}`);
  if (!args.includes('--log-level')) all.push('--log-level', 'warn');
  const child = spawn(process.execPath, [PROVIDER_BIN, ...all], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  collect(child.stdout, stdout);
  collect(child.stderr, stderr);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sgid-provider exited (${child.exitCode ?? child.signalCode}) before answering:\n${stderr.join('\n')}\n${stdout.join('\n')}`);
    }
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sgid-provider did not answer /healthz within ${timeoutMs} ms:\n${stderr.join('\n')}`);
    }
    await sleep(50);
  }
  return {
    port,
    url,
    child,
    stdout,
    stderr,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(killer);
      }
    },
  };
}

/** A store URL with the provider's own query setting (`schema` for PostgreSQL, `prefix` for Redis). */
export function withParam(url: string, name: 'schema' | 'prefix', value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.href;
}
