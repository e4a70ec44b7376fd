/** Spawns the CLI as a user runs it: `node packages/provider/bin/sgid-provider.js …`. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEADLINE_MS } from './deadlines.js';

export const BIN = fileURLToPath(new URL('../../bin/sgid-provider.js', import.meta.url));

/** The environment without any SGID_* variable of the caller's, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SGID_'))), ...env };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface RunningServer {
  child: ChildProcess;
  /** What the server printed up to and including its "listening" line. */
  banner: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Servers still running: killed when the test process exits, even after a failed test. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Starts `sgid-provider start …` and resolves once it prints that it is listening. */
export function startCliServer(args: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) =>
      child.once('exit', (code) => {
        live.delete(child);
        r(code);
      }),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${DEADLINE_MS} ms:\n${out}\n${err}`));
    }, DEADLINE_MS);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening on/.test(out) && /\n/.test(out.slice(out.indexOf('listening on')))) {
        clearTimeout(timer);
        resolve({
          child,
          banner: out,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${out}\n${err}`));
    });
  });
}
