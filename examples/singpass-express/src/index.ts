/** Starts the example in this process (tests use it; `src/main.ts` is the one command). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExampleApp, type ExampleOptions } from './app.js';
import type { SessionStore } from './sessions.js';

export { createExampleApp, LOGIN_SCOPES, MYINFO_SCOPES, type ExampleOptions, type ExampleClient } from './app.js';
export { loadOrCreateKeys } from './keys.js';

export interface StartExampleOptions extends Omit<ExampleOptions, 'publicUrl'> {
  /** Port to listen on; 0 for any free one. */
  port: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Public origin. Default http://localhost:<port>. */
  publicUrl?: string;
}

export interface RunningExample {
  /** The app's public origin. */
  url: string;
  sessions: SessionStore;
  close(): Promise<void>;
}

export async function startExample(options: StartExampleOptions): Promise<RunningExample> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = new URL(options.publicUrl ?? `http://localhost:${port}`).origin;
  const { app, sessions } = createExampleApp({ ...options, publicUrl: url });
  server.on('request', app);
  return {
    url,
    sessions,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
