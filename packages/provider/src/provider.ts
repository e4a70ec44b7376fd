/** Builds a running provider from a config: store, keys, personas, HTTP app. */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { systemClock } from './clock.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { ClientKeyCache } from './context.js';
import type { ProviderContext } from './context.js';
import { buildApp } from './http.js';
import { InspectorRecorder } from './inspector/recorder.js';
import { KeyRing } from './keys/key-ring.js';
import { createMetrics } from './metrics.js';
import { openStore } from './store/index.js';
import type { Store } from './store/types.js';
import { randomToken } from './util/secrets.js';
import { PersonaDirectory } from './wallet/directory.js';
import { parsePersonasJson } from './wallet/personas/index.js';

export interface Provider {
  readonly ctx: ProviderContext;
  readonly app: FastifyInstance;
  /** Starts listening; resolves to the bound address (useful with port 0). */
  listen(): Promise<{ port: number; url: string }>;
  /** Stops accepting connections, finishes requests in flight, closes the store. */
  close(): Promise<void>;
}

export interface ProviderOptions {
  /** The clock (default: the system's); also given to the store that is opened here. */
  now?: Clock;
}

/** Shared setup for the server and the CLI's other commands. */
export async function openContext(config: Config, store?: Store, opts: ProviderOptions = {}): Promise<ProviderContext> {
  const now = opts.now ?? systemClock;
  const s = store ?? (await openStore(config, { now }));
  try {
    const keys = new KeyRing(s, { now });
    await keys.init();
    const personas = new PersonaDirectory(s, now);
    if (config.personas) {
      const text = await readFile(config.personas, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new Error(`--personas ${config.personas}: cannot read the file (${err.code ?? err.message})`);
      });
      await personas.add(parsePersonasJson(text, config.personas));
    }
    if (config.autoApprove && !(await personas.get(config.autoApprove))) {
      throw new Error(`--auto-approve: no persona has the id "${config.autoApprove}" (see \`sgid-provider personas list\`)`);
    }
    const pairwiseSecret = await s.initSetting('pairwise-secret', randomToken(32));
    const inspector = new InspectorRecorder(s, {
      now,
      enabled: config.inspector === 'on',
      // A login's records live as long as the longest-lived record it can produce.
      retentionMs: Math.max(config.loginTtl, config.codeTtl, config.tokenTtl) * 1000,
    });
    return { config, now, store: s, keys, personas, pairwiseSecret, clientKeys: new ClientKeyCache(), metrics: createMetrics(), inspector };
  } catch (err) {
    if (!store) await s.close();
    throw err;
  }
}

export async function createProvider(config: Config, store?: Store, opts: ProviderOptions = {}): Promise<Provider> {
  const ctx = await openContext(config, store, opts);
  const app = await buildApp(ctx);
  ctx.inspector.warn = (message) => app.log.warn(message);
  const sweeper = setInterval(() => void ctx.store.sweep().catch(() => undefined), 60_000);
  sweeper.unref();
  const inFlight = trackRequests(app);
  let closed = false;
  return {
    ctx,
    app,
    async listen() {
      const address = await app.listen({ port: config.port, host: config.host });
      const port = (app.server.address() as { port: number }).port;
      return { port, url: address };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      // Stops accepting connections and drops idle ones; requests in flight finish (each
      // answered with `Connection: close`), then the store is closed.
      inFlight.stopKeepAlive();
      const closing = app.close();
      await inFlight.drained(CLOSE_GRACE_MS);
      app.server.closeAllConnections();
      await closing;
      await ctx.inspector.close();
      if (!store) await ctx.store.close();
    },
  };
}

/** How long close() waits for requests in flight before closing the store anyway. */
const CLOSE_GRACE_MS = 10_000;

/** Counts the requests between their arrival and the end of their response (or abort). */
function trackRequests(app: FastifyInstance): { stopKeepAlive(): void; drained(timeoutMs: number): Promise<void> } {
  const open = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  let stopping = false;
  app.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    if (stopping) res.shouldKeepAlive = false;
    res.once('close', () => {
      open.delete(res);
      if (open.size === 0) for (const w of waiters) w();
    });
  });
  return {
    stopKeepAlive() {
      stopping = true;
      for (const res of open) if (!res.headersSent) res.shouldKeepAlive = false;
    },
    drained(timeoutMs) {
      if (open.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
  };
}
