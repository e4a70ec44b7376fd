/**
 * The sgID login on the SDK's Next.js adapter (`nextLoginRoutes`): /api/sgid/login starts it,
 * /api/sgid/callback (the redirect URI) finishes it. The PKCE verifier, nonce, state and the
 * chosen flavour ride in the SDK's encrypted login cookie; on success this app starts its own
 * session and sends the browser to the server-rendered /success page.
 *
 * Configuration (environment, read at the first request so that `next build` needs none of it):
 *   SGID_CREDENTIALS_FILE   the credentials JSON of the portal or `sgid-provider clients create
 *                        --json` ({ id, secret, privateKey }), or instead:
 *   SGID_CLIENT_ID, SGID_CLIENT_SECRET, SGID_PRIVATE_KEY   the client's credentials
 *   SGID_HOSTNAME        the provider (default http://localhost:5156, `npm start` at the repo root)
 *   SGID_COOKIE_SECRET   32+ random characters, encrypts the login cookie
 *   APP_URL              this app's public origin (default http://localhost:5001); the redirect
 *                        URI to register is <APP_URL>/api/sgid/callback
 */
import { readFileSync } from 'node:fs';
import { SgidClient, SgidError, createLoginFlow, nextLoginRoutes } from 'sgid-client';
import type { LoginFlow } from 'sgid-client';
import { flavourNamed } from './flavours';
import type { FlavourId } from './flavours';
import { SESSION_COOKIE, SESSION_SECONDS, createSession, deleteSession, getSession, sessionCookie } from './session';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: see examples/nextjs-app/README.md`);
  return value;
}

/** The client's credentials: from SGID_CREDENTIALS_FILE, else from the three variables. */
function credentials(): { clientId: string; clientSecret: string; privateKey: string } {
  const file = process.env['SGID_CREDENTIALS_FILE'];
  if (!file) return { clientId: required('SGID_CLIENT_ID'), clientSecret: required('SGID_CLIENT_SECRET'), privateKey: required('SGID_PRIVATE_KEY') };
  const creds = JSON.parse(readFileSync(file, 'utf8')) as { id?: unknown; secret?: unknown; privateKey?: unknown };
  if (typeof creds.id !== 'string' || typeof creds.secret !== 'string' || typeof creds.privateKey !== 'string') {
    throw new Error(`${file} is not a credentials file with id, secret and privateKey`);
  }
  return { clientId: creds.id, clientSecret: creds.secret, privateKey: creds.privateKey };
}

/** This app's public origin, from configuration (never from the Host header). */
export function appUrl(): string {
  return new URL(process.env['APP_URL'] ?? 'http://localhost:5001').origin;
}

/** The picker sent no flavour, or one not on the menu. */
class UnknownFlavour extends Error {}

/** The flavour travels as the login's `returnTo`: /success?icecream=<id>. */
function flavourOf(returnTo: string | undefined): FlavourId | undefined {
  return returnTo ? flavourNamed(new URL(returnTo, 'http://app.invalid').searchParams.get('icecream')) : undefined;
}

function redirect(to: string, cookies: string[] = []): Response {
  const headers = new Headers({ location: new URL(to, appUrl()).href, 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

function sessionIdOf(request: Request): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  const pair = header.split(';').map((p) => p.trim()).find((p) => p.startsWith(`${SESSION_COOKIE}=`));
  return pair?.slice(SESSION_COOKIE.length + 1);
}

function createRoutes(): ReturnType<typeof nextLoginRoutes> {
  const origin = appUrl();
  const secure = origin.startsWith('https:');
  const client = new SgidClient({
    ...credentials(),
    hostname: process.env['SGID_HOSTNAME'] ?? 'http://localhost:5156',
    redirectUri: `${origin}/api/sgid/callback`,
  });
  const flow: LoginFlow = createLoginFlow({ client, secret: required('SGID_COOKIE_SECRET'), scope: ['openid', 'myinfo.name'] });

  return nextLoginRoutes(flow, {
    startOptions(request) {
      const flavour = flavourNamed(new URL(request.url).searchParams.get('icecream'));
      if (!flavour) throw new UnknownFlavour();
      return { returnTo: `/success?icecream=${flavour}` };
    },
    onSuccess(result, request) {
      const flavour = flavourOf(result.returnTo);
      if (!flavour) return redirect('/?error=failed');
      deleteSession(sessionIdOf(request));
      const id = createSession({ sub: result.sub, data: result.data, flavour });
      return redirect('/success', [sessionCookie(id, SESSION_SECONDS, secure)]);
    },
    onError(error, request) {
      if (error instanceof UnknownFlavour) return redirect('/?error=flavour');
      // The reason is a fixed word the pages turn into a sentence (never text from the URL).
      const { reason } = flow.afterError(error);
      if (reason !== 'declined') console.error(`login not finished (${error instanceof SgidError ? `${error.code}: ${error.message}` : String(error)})`);
      // A session from an earlier login stays: the success page says who is still logged in.
      const loggedIn = getSession(sessionIdOf(request)) !== undefined;
      return redirect(`${loggedIn ? '/success' : '/'}?error=${reason}`);
    },
  });
}

let routes: ReturnType<typeof nextLoginRoutes> | undefined;

/** The login's route handlers, built on first use. */
export function loginRoutes(): ReturnType<typeof nextLoginRoutes> {
  return (routes ??= createRoutes());
}
