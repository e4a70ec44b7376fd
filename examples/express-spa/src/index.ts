/** Starts the ice-cream demo in this process (tests use it; `src/main.ts` is the command line). */
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { createDemoApp } from './app.js';
import type { SessionStore } from './sessions.js';

export { createDemoApp, type DemoOptions, type DemoApp } from './app.js';
export { FLAVOURS } from './flavours.js';

export interface StartDemoOptions {
  /** The sgID provider's origin, e.g. http://localhost:5156. */
  providerUrl: string;
  clientId: string;
  clientSecret: string;
  privateKey: string;
  /** Port to listen on (5001 in the docs). Must be known in advance: it is in the redirect URI. */
  port: number;
  /** Encrypts the SDK's login cookie: 32 characters or more. */
  cookieSecret: string;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Public origin; the registered redirect URI is <publicUrl>/api/redirect. Default http://localhost:<port>. */
  publicUrl?: string;
  /** Origin of the docs' frontend (CORS with credentials, redirects after login). Default http://localhost:5173. */
  frontendUrl?: string;
  /** Scopes to request. Default "openid myinfo.name". */
  scope?: string;
  /** Where failed logins are reported. Default console.error. */
  log?: (message: string, error?: unknown) => void;
}

export interface RunningDemo {
  /** The app's public origin, e.g. http://localhost:5001. */
  url: string;
  sessions: SessionStore;
  close(): Promise<void>;
}

export async function startDemo(options: StartDemoOptions): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1';
  const url = new URL(options.publicUrl ?? `http://localhost:${options.port}`).origin;
  const { app, sessions } = createDemoApp({ ...options, publicUrl: url });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  if (options.port !== 0 && port !== options.port) throw new Error(`listening on ${port}, not ${options.port}`);
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
