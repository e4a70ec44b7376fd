/**
 * The outside services the store tests use: where PostgreSQL and Redis are, whether they can
 * be reached, isolated names per run and their clean-up, and throwaway servers and a TCP
 * proxy for the fault tests.
 *
 * Where a service or a tool cannot be reached, the tests that need it say so and are skipped;
 * when the environment variable CI is set they fail instead, because CI always provides them.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { Redis } from 'ioredis';
import { DEADLINE_MS } from './deadlines.js';
import { freePort } from './ports.js';

export const TEST_DATABASE_URL = process.env.SGID_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.SGID_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name unique to this run, valid as a PostgreSQL identifier and a Redis key prefix. */
export function uniqueName(what: string): string {
  return `sgid_test_${what}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Why PostgreSQL cannot be used at `url`, or undefined when it can. */
export async function postgresUnreachable(url = TEST_DATABASE_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return `PostgreSQL not reachable at ${redact(url)} (${describe(err)}): set SGID_TEST_DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Why Redis cannot be used at `url`, or undefined when it can. */
export async function redisUnreachable(url = TEST_REDIS_URL): Promise<string | undefined> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (err) {
    return `Redis not reachable at ${redact(url)} (${describe(err)}): set SGID_TEST_REDIS_URL`;
  } finally {
    redis.disconnect();
  }
}

const announced = new Set<string>();

/** Skips the test, saying why in the report, and once per reason on the console. */
function skipVisibly(t: TestContext, reason: string): void {
  if (!announced.has(reason)) {
    announced.add(reason);
    console.log(`# SKIPPED (these tests did not run): ${reason}`);
  }
  t.skip(`did not run: ${reason}`);
}

/**
 * Skips the test with a visible reason when `reason` is set, or fails it when CI is set.
 * Returns true when the test may go on.
 */
export function requireService(t: TestContext, reason: string | undefined): boolean {
  if (reason === undefined) return true;
  if (process.env.CI) assert.fail(`${reason} (CI is set, so the services must be there)`);
  skipVisibly(t, reason);
  return false;
}

/**
 * Skips with a visible reason a test that needs a local tool (a server binary such as
 * redis-server or initdb), or fails it when CI is set: CI installs them, so a missing one is a
 * broken CI, not a reason to run less.
 */
export function requireTool(t: TestContext, reason: string | undefined): boolean {
  if (reason === undefined) return true;
  if (process.env.CI) assert.fail(`${reason} (CI is set, so the tool must be installed: .ci/run installs it)`);
  skipVisibly(t, reason);
  return false;
}

export async function dropSchemas(url: string, schemas: Iterable<string>): Promise<void> {
  const names = [...schemas];
  if (names.length === 0) return;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS "${name.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function deleteRedisPrefixes(url: string, prefixes: Iterable<string>): Promise<void> {
  const list = [...prefixes];
  if (list.length === 0) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    for (const prefix of list) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

export { freePort } from './ports.js';

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * A TCP proxy on a fixed local port in front of a real service: `stop()` closes the port and
 * cuts every connection (the service "goes away": connections are refused), `start()` opens
 * it again on the same port (the service "comes back").
 */
export class TcpProxy {
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  #frozen = false;

  private constructor(
    readonly port: number,
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  static async open(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), targetHost, targetPort);
    await proxy.start();
    return proxy;
  }

  /**
   * A proxy in front of the service at `url` (its port, or `defaultPort`), and the same URL
   * pointed at the proxy on 127.0.0.1.
   */
  static async inFrontOf(url: string, defaultPort: number): Promise<{ proxy: TcpProxy; url: string }> {
    const u = new URL(url);
    const proxy = await TcpProxy.open(u.hostname, Number(u.port || defaultPort));
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    return { proxy, url: u.href };
  }

  start(): Promise<void> {
    this.#frozen = false;
    const server = net.createServer((client) => {
      this.#track(client);
      // Frozen: accept, then never answer (a hung server or a black-holed network).
      if (this.#frozen) return;
      const upstream = net.connect(this.targetPort, this.targetHost);
      this.#track(upstream);
      for (const s of [client, upstream]) {
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  /** Keeps every connection open but passes nothing through any more, in either direction. */
  freeze(): void {
    this.#frozen = true;
    for (const s of this.#sockets) {
      s.unpipe();
      s.pause();
    }
  }

  stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/** A `redis-server` child process on its own port, without persistence. */
export class RedisServer {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Why no throwaway Redis can be started here, or undefined. */
  static unavailable(): string | undefined {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
      return undefined;
    } catch {
      return 'redis-server is not installed: the Redis restart test did not run';
    }
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.#child = child;
    killOnExit(child);
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      return (await redisUnreachable(this.url)) === undefined;
    }, DEADLINE_MS, `redis-server on port ${this.port} starting`);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    await stopChild(child, 'SIGKILL');
  }
}

/**
 * A throwaway PostgreSQL cluster (initdb in a temporary directory, its own port), so that a
 * test can stop and start "the database" without touching the machine's own server.
 */
export class PostgresServer {
  #child: ChildProcess | undefined;

  private constructor(
    readonly bin: string,
    readonly dir: string,
    readonly port: number,
    readonly uid: number | undefined,
    readonly gid: number | undefined,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static #findBin(): string | undefined {
    try {
      const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
      if (existsSync(join(dir, 'initdb'))) return dir;
    } catch {
      // not installed, or not on PATH: look in Debian's place
    }
    try {
      const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
      for (const v of versions) {
        const dir = `/usr/lib/postgresql/${v}/bin`;
        if (existsSync(join(dir, 'initdb'))) return dir;
      }
    } catch {
      // none
    }
    return undefined;
  }

  /** Why no throwaway cluster can be made here, or undefined. */
  static unavailable(): string | undefined {
    if (PostgresServer.#findBin() === undefined) return 'initdb not found: the PostgreSQL restart test did not run';
    if (process.getuid?.() === 0) {
      try {
        execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
      } catch {
        return 'running as root without a postgres user for initdb: the PostgreSQL restart test did not run';
      }
    }
    return undefined;
  }

  static async create(): Promise<PostgresServer> {
    const bin = PostgresServer.#findBin();
    if (!bin) throw new Error('initdb not found');
    let uid: number | undefined;
    let gid: number | undefined;
    // initdb and postgres refuse to run as root: run them as the postgres user then.
    if (process.getuid?.() === 0) {
      uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    }
    const dir = mkdtempSync(join(tmpdir(), 'sgid-pg-'));
    if (uid !== undefined && gid !== undefined) chownSync(dir, uid, gid);
    const ids = uid !== undefined && gid !== undefined ? { uid, gid } : {};
    execFileSync(
      join(bin, 'initdb'),
      ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions'],
      { stdio: 'ignore', ...ids },
    );
    const server = new PostgresServer(bin, dir, await freePort(), uid, gid);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const ids = this.uid !== undefined && this.gid !== undefined ? { uid: this.uid, gid: this.gid } : {};
    const child = spawn(
      join(this.bin, 'postgres'),
      [
        '-D', join(this.dir, 'data'),
        '-p', String(this.port),
        '-k', this.dir,
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'fsync=off',
        '-c', 'full_page_writes=off',
      ],
      { stdio: 'ignore', ...ids },
    );
    this.#child = child;
    killOnExit(child);
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode}`);
      return (await postgresUnreachable(this.url)) === undefined;
    }, DEADLINE_MS, `postgres on port ${this.port} starting`);
  }

  /** Immediate shutdown: connections are cut, as when the server crashes. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    await stopChild(child, 'SIGQUIT');
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A throwaway server must not outlive the test process, even when a test fails half-way. */
/** Sends `signal` to a running child and waits for it to exit. */
async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function killOnExit(child: ChildProcess): void {
  const kill = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String(err);
}
