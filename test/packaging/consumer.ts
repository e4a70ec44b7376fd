/**
 * A consumer project: an empty folder outside the repository that installs our packages from
 * their tarballs, as a user installs them from the registry, and runs commands in it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../packages/provider/test/helpers/ports.ts';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** What a started `sgid-provider start` from the installed package offers the checks. */
export interface InstalledProvider {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The credentials file written by `npx sgid-provider clients create … --json > credentials.json`. */
  credentials: { id: string; secret: string; privateKey: string; redirectUris: string[] };
  /** The persona every authorize request is approved for (automation mode). */
  persona: { id: string; name: string };
}

/**
 * The environment of a command in the consumer project: ours without the test runner's, npm's
 * (npm test exports npm_config_* and npm_package_* of this workspace) and any SGID_ setting.
 */
function consumerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|SGID_)/i.test(k) || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Process groups still running, killed if the test process ends without dispose(). */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class ConsumerProject {
  readonly dir: string;
  readonly #children = new Set<ChildProcess>();
  #provider: Promise<InstalledProvider> | undefined;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** A new empty project (its own package.json) in the system's temporary folder. */
  static create(): ConsumerProject {
    const dir = mkdtempSync(join(tmpdir(), 'sgid-consumer-'));
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'sgid-consumer', version: '1.0.0', private: true }, null, 2)}\n`);
    return new ConsumerProject(dir);
  }

  /** Writes a file of the project (relative path). */
  write(file: string, text: string): string {
    const path = join(this.dir, file);
    writeFileSync(path, text);
    return path;
  }

  read(file: string): string {
    return readFileSync(join(this.dir, file), 'utf8');
  }

  /** Runs a command in the project and collects its output; never rejects on a non-zero exit. */
  run(command: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; shell?: boolean } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: this.dir,
        env: consumerEnv(opts.env ?? {}),
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: opts.shell ?? false,
        timeout: opts.timeoutMs ?? 120_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
  }

  /** Runs a shell command line exactly as a user types it (redirections included). */
  sh(line: string, opts: { timeoutMs?: number } = {}): Promise<RunResult> {
    return this.run('/bin/sh', ['-c', line], opts);
  }

  /** Runs a script with the Node that runs the tests, with extra Node flags first. */
  node(args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> {
    return this.run(process.execPath, args, opts);
  }

  /**
   * Starts a long-running command in a process group of its own (npx runs the program as its
   * child); dispose() stops the whole group if it still runs.
   */
  spawn(command: string, args: string[]): ChildProcess & { output: () => string } {
    const child = spawn(command, args, { cwd: this.dir, env: consumerEnv({}), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    this.#children.add(child);
    liveGroups.add(child.pid!);
    child.once('exit', () => liveGroups.delete(child.pid!));
    return Object.assign(child, { output: () => output });
  }

  /**
   * The installed provider, started once for every check that needs it: a client registered
   * with the README's `npx sgid-provider clients create … --json > credentials.json`, then
   * `npx sgid-provider start` in automation mode on a free port, with the SQLite file in the project.
   */
  provider(): Promise<InstalledProvider> {
    this.#provider ??= this.#startProvider();
    return this.#provider;
  }

  async #startProvider(): Promise<InstalledProvider> {
    const persona = { id: 'S8534127H', name: '' };
    const created = await this.sh(
      'npx sgid-provider clients create --name "Packaged app" --redirect-uri http://localhost:3000/callback ' +
        '--scope "openid myinfo.name" --data ./sgid.db --json > credentials.json',
    );
    if (created.code !== 0) throw new Error(`npx sgid-provider clients create failed (${created.code}): ${created.stderr}`);
    const credentials = JSON.parse(this.read('credentials.json')) as InstalledProvider['credentials'];

    const personas = await this.run('npx', ['sgid-provider', 'personas', 'list', '--json', '--data', './sgid.db']);
    const list = JSON.parse(personas.stdout) as { id: string; values: Record<string, string> }[];
    persona.name = list.find((p) => p.id === persona.id)?.values['myinfo.name'] ?? '';
    if (!persona.name) throw new Error(`persona ${persona.id} not in personas list --json: ${personas.stdout.slice(0, 200)}`);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = this.spawn('npx', ['sgid-provider', 'start', '--host', '127.0.0.1', '--port', String(port), '--public-url', url, '--data', './sgid.db', '--auto-approve', persona.id, '--log-level', 'warn']);
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npx sgid-provider start exited (${child.exitCode}): ${child.output()}`);
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`npx sgid-provider start did not answer within 120 s: ${child.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url, credentials, persona };
  }

  /** Stops what the project started and deletes it. */
  async dispose(): Promise<void> {
    await Promise.all(
      [...this.#children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            const group = (signal: NodeJS.Signals) => {
              try {
                process.kill(-c.pid!, signal);
              } catch {
                // the group has ended
              }
            };
            group('SIGTERM');
            setTimeout(() => group('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
