/**
 * The demo's command line: `node scripts/run-ts.mjs examples/express-spa/src/main.ts`.
 * Credentials come from a credentials file (what the portal or `sgid-provider clients create
 * --json` gives you) or from environment variables:
 *
 *   SGID_CREDENTIALS_FILE   path to the credentials JSON ({ id, secret, privateKey })
 *   SGID_CLIENT_ID, SGID_CLIENT_SECRET, SGID_PRIVATE_KEY   instead of the file
 *   SGID_HOSTNAME           the provider's origin (default http://localhost:5156)
 *   DEMO_PORT               port (default 5001); DEMO_PUBLIC_URL (default http://localhost:<port>)
 *   SGID_FRONTEND_HOST      origin of the docs' frontend, which may call /api/* across origins and
 *                           is sent back to after its logins (default http://localhost:5173, as in
 *                           the docs' Express and Flask guides)
 *   DEMO_COOKIE_SECRET      32+ characters (default: random at each start — logins in progress
 *                           do not survive a restart, which is fine for a demo)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startDemo } from './index.js';

function fail(message: string): never {
  console.error(`ice-cream demo: ${message}`);
  process.exit(2);
}

const env = process.env;
let clientId = env['SGID_CLIENT_ID'];
let clientSecret = env['SGID_CLIENT_SECRET'];
let privateKey = env['SGID_PRIVATE_KEY'];
const file = env['SGID_CREDENTIALS_FILE'];
if (file) {
  let creds: { id?: unknown; secret?: unknown; privateKey?: unknown };
  try {
    creds = JSON.parse(readFileSync(file, 'utf8')) as typeof creds;
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (typeof creds.id === 'string') clientId = creds.id;
  if (typeof creds.secret === 'string') clientSecret = creds.secret;
  if (typeof creds.privateKey === 'string') privateKey = creds.privateKey;
}
if (!clientId || !clientSecret || !privateKey) {
  fail('no client credentials: set SGID_CREDENTIALS_FILE, or SGID_CLIENT_ID, SGID_CLIENT_SECRET and SGID_PRIVATE_KEY (or run `npm start` from the repository root)');
}
const port = Number(env['DEMO_PORT'] ?? 5001);
if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`DEMO_PORT=${env['DEMO_PORT']} is not a port`);
for (const name of ['DEMO_PUBLIC_URL', 'SGID_FRONTEND_HOST', 'SGID_HOSTNAME']) {
  const value = env[name];
  if (value && !URL.canParse(value)) fail(`${name}=${value} is not a URL (e.g. http://localhost:5173)`);
}

const demo = await startDemo({
  providerUrl: env['SGID_HOSTNAME'] ?? 'http://localhost:5156',
  clientId,
  clientSecret,
  privateKey,
  port,
  host: env['DEMO_HOST'] ?? '127.0.0.1',
  ...(env['DEMO_PUBLIC_URL'] ? { publicUrl: env['DEMO_PUBLIC_URL'] } : {}),
  ...(env['SGID_FRONTEND_HOST'] ? { frontendUrl: env['SGID_FRONTEND_HOST'] } : {}),
  cookieSecret: env['DEMO_COOKIE_SECRET'] ?? randomBytes(32).toString('base64url'),
}).catch((err: Error) => fail(`cannot start: ${err.message}`));
console.log(`Ice-cream demo listening on ${demo.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
