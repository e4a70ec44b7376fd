/**
 * Serves the docs'-frontend fixture (./public) on its own origin, as `npm run dev` serves the
 * official demo frontend on http://localhost:5173: the routes /, /logged-in and /error all load
 * the one page, which calls the backend named here. The CSP lets the page talk to that backend
 * only, so a passing test proves the frontend used nothing else.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const PUBLIC = new URL('./public/', import.meta.url);
const ROUTES = new Set(['/', '/logged-in', '/error']);
const ASSETS: Record<string, string> = { '/app.js': 'text/javascript', '/style.css': 'text/css' };

export interface DocsFrontendOptions {
  /** The backend's origin, e.g. http://localhost:5001 (hard-coded in the official frontend). */
  backendUrl: string;
  /** Port to listen on; 0 picks one. */
  port?: number;
  /** Interface. Default 127.0.0.1. */
  host?: string;
  /** The origin the page is served as. Default http://localhost:<port>, as the docs run it. */
  publicUrl?: string;
}

export interface DocsFrontend {
  /** The frontend's origin: what the backend must allow (`SGID_FRONTEND_HOST`). */
  url: string;
  close(): Promise<void>;
}

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export async function startDocsFrontend(options: DocsFrontendOptions): Promise<DocsFrontend> {
  const backend = new URL(options.backendUrl).origin;
  const page = readFileSync(new URL('index.html', PUBLIC), 'utf8').replace('%BACKEND_URL%', escapeAttribute(backend));
  const csp = `default-src 'none'; script-src 'self'; style-src 'self'; connect-src ${backend}; base-uri 'none'; form-action 'none'`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://fixture.invalid').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (ROUTES.has(path)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-cache' }).end(page);
    } else if (ASSETS[path]) {
      res.writeHead(200, { 'content-type': `${ASSETS[path]}; charset=utf-8` }).end(readFileSync(new URL(`.${path}`, PUBLIC)));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(options.publicUrl ?? `http://localhost:${port}`).origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
