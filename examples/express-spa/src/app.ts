/**
 * The "ice cream" demo from the sgID docs, as an Express backend-for-frontend: the single-page
 * app in ../public talks only to this server, and this server talks to sgID with `sgid-client`.
 * The API is the one the docs' Express and Flask guides define, so the docs' own frontend (the
 * official demo SPA, on another origin: `frontendUrl`) logs in through it too:
 *
 *   GET  /api/flavours            the flavours our SPA offers
 *   GET  /api/auth-url?icecream=  { url } of sgID's login page; sets the SDK's login cookie, which
 *                                 carries the flavour and the frontend to return to (encrypted)
 *   GET  /api/redirect            the redirect URI: finishes the login, starts the app's session,
 *                                 redirects to <frontend>/logged-in, or <frontend>/error (the
 *                                 docs' frontend) or /?error=… (ours) when the login failed, with
 *                                 the SDK's reason (declined, expired, already_finished…)
 *   GET  /api/userinfo            { sub, data: { 'myinfo.name': …, iceCream: … } }; a bare 401
 *                                 when logged out (the docs' frontend parses any body as a user)
 *   GET|POST /api/logout          ends the session
 *
 * CORS: the docs' frontend origin may call /api/* with credentials; no other origin may.
 */
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SgidClient, SgidError, appendSetCookie, createLoginFlow, expressLoginHandlers, readCookie } from 'sgid-client';
import type { LoginFlow } from 'sgid-client';
import { FLAVOURS, flavourLabel, flavourNamed, isFlavour } from './flavours.js';
import type { FlavourId } from './flavours.js';
import { SESSION_COOKIE, SessionStore } from './sessions.js';

export interface DemoOptions {
  /** The sgID provider's origin, e.g. http://localhost:5156 (the SDK's `hostname`). */
  providerUrl: string;
  clientId: string;
  clientSecret: string;
  privateKey: string;
  /** This app's public origin, e.g. http://localhost:5001; the redirect URI is <publicUrl>/api/redirect. */
  publicUrl: string;
  /** Encrypts the SDK's login cookie: 32 characters or more. */
  cookieSecret: string;
  /**
   * Origin of the docs' frontend (the official demo SPA), which calls this API across origins:
   * it gets CORS with credentials and the redirects after login. Default http://localhost:5173,
   * as in the docs' guides (`SGID_FRONTEND_HOST`).
   */
  frontendUrl?: string;
  /** Scopes to request. Default "openid myinfo.name", as in the docs' demo. */
  scope?: string;
  /** Where failed logins are reported. Default console.error. */
  log?: (message: string, error?: unknown) => void;
}

export interface DemoApp {
  app: express.Express;
  sessions: SessionStore;
  flow: LoginFlow;
}

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

/** The SPA's entry points: the same page, which picks its view from the URL and /api/userinfo. */
const SPA_ROUTES = ['/', '/logged-in'];

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Where a login returns to and with which flavour: both ride through the login in the SDK's
 * encrypted login cookie, as `returnTo` — `<frontend>/logged-in?icecream=<flavour>`, where the
 * frontend is the docs' (its origin) or ours (a path on this origin).
 */
interface LoginTarget {
  /** The docs' frontend origin, or '' for our own SPA on this origin. */
  frontend: string;
  flavour: FlavourId | undefined;
}

function returnToFor(frontend: string, flavour: FlavourId): string {
  return `${frontend}/logged-in?icecream=${encodeURIComponent(flavour)}`;
}

export function createDemoApp(options: DemoOptions): DemoApp {
  const publicUrl = new URL(options.publicUrl).origin;
  const frontendOrigin = new URL(options.frontendUrl ?? 'http://localhost:5173').origin;
  const secure = publicUrl.startsWith('https:');
  const client = new SgidClient({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    privateKey: options.privateKey,
    hostname: options.providerUrl,
    redirectUri: `${publicUrl}/api/redirect`,
  });
  const flow = createLoginFlow({ client, secret: options.cookieSecret, scope: options.scope ?? 'openid myinfo.name' });
  const sessions = new SessionStore();
  // No prefix of our own: `npm start` labels each line with the process it came from.
  const log = options.log ?? ((message: string, error?: unknown) => (error === undefined ? console.error(message) : console.error(message, error)));
  const sessionCookie = (value: string, maxAge: number) =>
    `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  const sessionId = (req: Request) => readCookie(req.headers.cookie, SESSION_COOKIE);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });

  /** The frontend a login came from and its flavour, read back from the login's `returnTo`. */
  const targetOf = (returnTo: string | undefined): LoginTarget => {
    if (!returnTo) return { frontend: '', flavour: undefined };
    const url = new URL(returnTo, publicUrl);
    const flavour = url.searchParams.get('icecream');
    return { frontend: url.origin === frontendOrigin ? frontendOrigin : '', flavour: isFlavour(flavour) ? flavour : undefined };
  };
  /** A request from another site that names no origin allowed to act on a session. */
  const crossSite = (req: Request): boolean => {
    const origin = req.headers.origin;
    if (origin !== undefined) return origin !== publicUrl && origin !== frontendOrigin;
    return req.headers['sec-fetch-site'] === 'cross-site';
  };

  app.use('/api', (req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    res.vary('Origin');
    // CORS with credentials for the docs' frontend only: it reads /api/* from its own origin.
    if (req.headers.origin === frontendOrigin) {
      res.setHeader('access-control-allow-origin', frontendOrigin);
      res.setHeader('access-control-allow-credentials', 'true');
      if (req.method === 'OPTIONS') {
        res.setHeader('access-control-allow-methods', 'GET, POST');
        res.setHeader('access-control-allow-headers', 'accept, content-type');
        res.setHeader('access-control-max-age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  });

  app.get('/api/flavours', (_req, res) => {
    res.json({ flavours: FLAVOURS });
  });

  app.get('/api/auth-url', async (req, res, next) => {
    try {
      const flavour = flavourNamed(req.query['icecream']);
      if (!flavour) {
        const names = FLAVOURS.map((f) => f.label).join(', ');
        res.status(400).json({ error: 'invalid_icecream', message: `icecream must name one of the flavours: ${names}.` });
        return;
      }
      // A call from the docs' frontend carries its Origin; our own SPA's same-origin GET does not.
      const frontend = req.headers.origin === frontendOrigin ? frontendOrigin : '';
      const { url, setCookie } = await flow.begin({ returnTo: returnToFor(frontend, flavour) });
      appendSetCookie(res, setCookie);
      res.json({ url });
    } catch (error) {
      next(error);
    }
  });

  const login = expressLoginHandlers<Request, Response>(flow, {
    onSuccess(result, req, res) {
      const { frontend, flavour } = targetOf(result.returnTo);
      if (!flavour) {
        res.redirect(303, frontend ? `${frontend}/error?error=failed` : '/?error=failed');
        return;
      }
      sessions.delete(sessionId(req));
      const id = sessions.create({ sub: result.sub, data: result.data, flavour });
      appendSetCookie(res, sessionCookie(id, sessions.ttlSeconds));
      res.redirect(303, `${frontend}/logged-in`);
    },
    onError(error, _req, res) {
      // The reason is a fixed word the SPAs turn into a sentence (they never show text from the URL).
      const { reason, returnTo } = flow.afterError(error);
      if (reason !== 'declined') log(`login not finished (${error instanceof SgidError ? `${error.code}: ${error.message}` : String(error)})`);
      // A session from an earlier login stays as it is: the SPA says who is still logged in.
      const { frontend } = targetOf(returnTo);
      res.redirect(303, frontend ? `${frontend}/error?error=${reason}` : `/?error=${reason}`);
    },
  });
  app.get('/api/redirect', (req, res, next) => login.callback(req, res, next));

  app.get('/api/userinfo', (req, res) => {
    const session = sessions.get(sessionId(req));
    if (!session) {
      // No body: the docs' frontend takes any JSON it can parse for a logged-in user.
      res.status(401).end();
      return;
    }
    res.json({ sub: session.sub, data: { ...session.data, iceCream: flavourLabel(session.flavour) } });
  });

  const logout = (req: Request, res: Response) => {
    // SameSite=Lax keeps the cookie off cross-site POSTs, not off cross-site links to a GET:
    // refuse requests from other sites explicitly.
    if (crossSite(req)) {
      res.status(403).json({ error: 'forbidden', message: 'Cross-site logout refused.' });
      return;
    }
    sessions.delete(sessionId(req));
    appendSetCookie(res, sessionCookie('', 0));
    res.status(204).end();
  };
  // GET as in the docs' guides (their frontend calls it so); POST for our SPA.
  app.get('/api/logout', logout);
  app.post('/api/logout', logout);

  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });

  app.get(SPA_ROUTES, (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.sendFile('index.html', { root: PUBLIC_DIR });
  });
  app.use(express.static(PUBLIC_DIR, { index: false, fallthrough: true }));

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    log('request failed:', error);
    if (res.headersSent) return;
    res.status(500).json({ error: 'server_error', message: 'The demo hit an internal error; see its log.' });
  });

  return { app, sessions, flow };
}
