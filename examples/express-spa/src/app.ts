/**
 * The "ice cream" demo from the sgID docs, as an Express backend-for-frontend: the single-page
 * app in ../public talks only to this server, and this server talks to sgID with `sgid-client`.
 *
 *   GET  /api/flavours   the flavours the SPA offers
 *   GET  /api/auth-url   { url } of sgID's login page; sets the SDK's login cookie, which carries
 *                        the chosen flavour through the login (encrypted, tamper-proof)
 *   GET  /api/redirect   the redirect URI: finishes the login, creates the app's own session,
 *                        redirects to the SPA's logged-in view (or back with ?error=…)
 *   GET  /api/userinfo   the session's user: { name, flavour, sub, data }, 401 when logged out
 *   POST /api/logout     ends the session
 */
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SgidClient, SgidError, appendSetCookie, createLoginFlow, expressLoginHandlers, readCookie } from 'sgid-client';
import type { LoginFlow, LoginResult } from 'sgid-client';
import { FLAVOURS, flavourLabel, isFlavour } from './flavours.js';
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

/** Codes the SPA turns into sentences (it never shows text taken from the URL). */
type LoginErrorCode = 'declined' | 'expired' | 'restart' | 'failed';

function loginErrorCode(error: unknown, query: Request['query']): LoginErrorCode {
  if (query['error'] === 'access_denied') return 'declined';
  if (error instanceof SgidError) {
    switch (error.code) {
      case 'ERR_LOGIN_EXPIRED':
        return 'expired';
      case 'ERR_LOGIN_COOKIE_MISSING':
      case 'ERR_LOGIN_COOKIE_INVALID':
      case 'ERR_STATE_MISMATCH':
        return 'restart';
      default:
        return 'failed';
    }
  }
  return 'failed';
}

/** The flavour rides through the login in the SDK's encrypted login cookie, as `returnTo`. */
function returnToFor(flavour: string): string {
  return `/logged-in?flavour=${encodeURIComponent(flavour)}`;
}

function flavourFrom(result: LoginResult): FlavourId | undefined {
  if (!result.returnTo) return undefined;
  const flavour = new URL(result.returnTo, 'http://app.invalid').searchParams.get('flavour');
  return isFlavour(flavour) ? flavour : undefined;
}

export function createDemoApp(options: DemoOptions): DemoApp {
  const publicUrl = new URL(options.publicUrl).origin;
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
  const log = options.log ?? ((message: string, error?: unknown) => console.error(`[demo] ${message}`, error ?? ''));
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

  app.use('/api', (_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });

  app.get('/api/flavours', (_req, res) => {
    res.json({ flavours: FLAVOURS });
  });

  app.get('/api/auth-url', async (req, res, next) => {
    try {
      const flavour = req.query['flavour'];
      if (!isFlavour(flavour)) {
        res.status(400).json({ error: 'invalid_flavour', message: 'Choose one of the flavours on the page.' });
        return;
      }
      const { url, setCookie } = await flow.begin({ returnTo: returnToFor(flavour) });
      appendSetCookie(res, setCookie);
      res.json({ url });
    } catch (error) {
      next(error);
    }
  });

  const login = expressLoginHandlers<Request, Response>(flow, {
    onSuccess(result, req, res) {
      const flavour = flavourFrom(result);
      if (!flavour) {
        res.redirect(303, '/?error=restart');
        return;
      }
      sessions.delete(sessionId(req));
      const id = sessions.create({ sub: result.sub, data: result.data, flavour });
      appendSetCookie(res, sessionCookie(id, sessions.ttlSeconds));
      res.redirect(303, '/logged-in');
    },
    onError(error, req, res) {
      const code = loginErrorCode(error, req.query);
      if (code !== 'declined') log(`login failed: ${error instanceof SgidError ? `${error.code}: ${error.message}` : String(error)}`);
      res.redirect(303, `/?error=${code}`);
    },
  });
  app.get('/api/redirect', (req, res, next) => login.callback(req, res, next));

  app.get('/api/userinfo', (req, res) => {
    const session = sessions.get(sessionId(req));
    if (!session) {
      res.status(401).json({ error: 'not_logged_in', message: 'Log in with Singpass first.' });
      return;
    }
    res.json({
      name: session.data['myinfo.name'] ?? null,
      flavour: flavourLabel(session.flavour),
      sub: session.sub,
      data: session.data,
    });
  });

  app.post('/api/logout', (req, res) => {
    // SameSite=Lax keeps the cookie off cross-site POSTs; the Origin check says so explicitly.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== publicUrl) {
      res.status(403).json({ error: 'forbidden', message: 'Cross-site logout refused.' });
      return;
    }
    sessions.delete(sessionId(req));
    appendSetCookie(res, sessionCookie('', 0));
    res.status(204).end();
  });

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
