/**
 * A Singpass FAPI 2.0 relying party on `singpass-client` and Express, with both kinds of app:
 *
 *   GET  /                      home: the two ways in, or who is logged in
 *   GET  /login                 Login app: starts a login (PAR, 302 to Singpass)
 *   GET  /login/callback        its redirect URI: the ID token's sub_attributes
 *   GET  /login/jwks.json       its public JWKS (registered with Singpass as its JWKS URL)
 *   GET  /myinfo                Myinfo app: starts a login
 *   GET  /myinfo/callback       its redirect URI: the ID token, then the Myinfo data (userinfo)
 *   GET  /myinfo/jwks.json      its public JWKS
 *   POST /logout                ends the session
 *
 * Each app is its own Singpass client (own client id, own keys), as Singpass registers them.
 * The login's secrets ride in the SDK's encrypted login cookie; the app's own session is an
 * in-memory record behind an HttpOnly cookie.
 */
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Request, Response } from 'express';
import {
  SingpassClient,
  SingpassError,
  appendSetCookie,
  createLoginFlow,
  expressLoginHandlers,
  readCookie,
  type Jwks,
  type LoginFailureReason,
  type LoginFlow,
  type LoginResult,
} from 'singpass-client';
import { html, type Html } from './html.js';
import { SESSION_COOKIE, SessionStore, type ExampleUser } from './sessions.js';

/** One Singpass client of the example: its id and its private keys. */
export interface ExampleClient {
  clientId: string;
  keys: Jwks;
}

export interface ExampleOptions {
  /** The FAPI issuer, e.g. http://localhost:5156/fapi (the local provider) or https://stg-id.singpass.gov.sg/fapi. */
  issuer: string;
  /** This app's public origin, e.g. http://localhost:5003. */
  publicUrl: string;
  loginApp: ExampleClient;
  myinfoApp: ExampleClient;
  /** Encrypts the SDK's login cookie: 32 characters or more. */
  cookieSecret: string;
  /** Allow an http:// issuer on this machine (the local provider). */
  allowHttpLoopback?: boolean;
  /** Where failed logins are reported. Default console.error. */
  log?: (message: string) => void;
}

/** Scopes of the Login app: the user's attributes in the ID token. */
export const LOGIN_SCOPES = ['openid', 'user.identity', 'name', 'email', 'mobileno'];
/** Scopes of the Myinfo app: Myinfo v5 items from userinfo. */
export const MYINFO_SCOPES = ['openid', 'uinfin', 'name', 'sex', 'dob', 'nationality', 'residentialstatus', 'regadd', 'mobileno', 'email', 'hdbtype', 'marital', 'childrenbirthrecords'];

/** How the example labels the Myinfo items it asks for. */
const ITEM_LABELS: Record<string, string> = {
  uinfin: 'NRIC / FIN',
  name: 'Name',
  sex: 'Sex',
  dob: 'Date of birth',
  nationality: 'Nationality',
  residentialstatus: 'Residential status',
  regadd: 'Registered address',
  mobileno: 'Mobile number',
  email: 'Email',
  hdbtype: 'HDB flat type',
  marital: 'Marital status',
  childrenbirthrecords: 'Children',
};

/** What the home page says after a failed login: by what it means (the SDK's reason), never text from the redirect. */
const FAILURES: Record<LoginFailureReason, string> = {
  declined: 'The login was cancelled or refused in Singpass.',
  expired: 'The login took too long. Please log in again.',
  already_finished: 'That login had already finished: nothing changed.',
  not_started_here: 'This browser did not start that login (or took too long). Please log in again.',
  failed: 'The login failed. Please try again.',
};

const CSP = ["default-src 'none'", "style-src 'self'", "img-src 'self'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));

function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/style.css"></head>
<body><main>${body}</main></body>
</html>`.text;
}

function valueCell(value: unknown): Html {
  if (Array.isArray(value)) {
    if (value.length === 0) return html`<span class="muted">none</span>`;
    return html`<ul>${value.map((v) => html`<li>${valueCell(v)}</li>`)}</ul>`;
  }
  if (value && typeof value === 'object') {
    return html`${Object.entries(value).map(([k, v]) => html`<span class="field">${k}: ${valueCell(v)}</span> `)}`;
  }
  return html`<span class="value">${String(value)}</span>`;
}

function userSection(user: ExampleUser): Html {
  const rows: [string, unknown][] =
    user.app === 'login'
      ? [
          ['Singpass UUID (sub)', user.sub],
          ['NRIC / FIN', user.attributes?.identity_number],
          ['Name', user.attributes?.name],
          ['Email', user.attributes?.email],
          ['Mobile', user.attributes?.mobileno],
          ['Account type', user.attributes?.account_type],
        ]
      : [['Singpass UUID (sub)', user.sub], ...Object.entries(ITEM_LABELS).map(([item, label]): [string, unknown] => [label, user.person?.[item]])];
  return html`<section id="user" data-app="${user.app}">
  <h1>${user.app === 'login' ? 'Logged in with Singpass' : 'Your Myinfo data'}</h1>
  <p class="muted">${user.app === 'login' ? 'Singpass Login app: the attributes come in the ID token.' : 'Myinfo app: the items come from userinfo, decrypted and verified.'}
  Level of assurance ${user.acr ?? '—'}, factors ${user.amr.join(', ') || '—'}.</p>
  <table>${rows
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([label, v]) => html`<tr><th scope="row">${label}</th><td data-label="${label}">${valueCell(v)}</td></tr>`)}</table>
  <form method="post" action="/logout"><button type="submit">Log out</button></form>
</section>`;
}

function homePage(user: ExampleUser | undefined, failure: string | undefined): string {
  return page(
    'Singpass FAPI 2.0 example',
    html`${failure ? html`<p class="error" role="alert">${failure}</p>` : ''}
${
  user
    ? userSection(user)
    : html`<section id="login">
  <h1>Singpass FAPI 2.0 example</h1>
  <p>Two Singpass clients on <code>singpass-client</code>: pick how to log in.</p>
  <div class="choices">
    <a class="button" href="/login">Log in with Singpass</a>
    <a class="button secondary" href="/myinfo">Retrieve Myinfo</a>
  </div>
  <p class="muted">"Log in with Singpass" is a Login app (your NRIC and name in the ID token); "Retrieve Myinfo" is a Myinfo app (your Myinfo data from userinfo).</p>
</section>`
}`,
  );
}

export interface ExampleApp {
  app: express.Express;
  sessions: SessionStore;
  clients: { login: SingpassClient; myinfo: SingpassClient };
}

export function createExampleApp(options: ExampleOptions): ExampleApp {
  const publicUrl = new URL(options.publicUrl).origin;
  const secure = publicUrl.startsWith('https:');
  const log = options.log ?? ((message: string) => console.error(message));
  const sessions = new SessionStore();
  const sessionCookie = (value: string, maxAge: number) => `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  const common = { issuer: options.issuer, allowHttpLoopback: options.allowHttpLoopback ?? false };

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  app.use(express.static(PUBLIC_DIR, { index: false }));

  const signIn = (res: Response, user: ExampleUser) => {
    appendSetCookie(res, sessionCookie(sessions.create(user), 1800));
    res.redirect(303, '/');
  };
  const failed = (flow: LoginFlow) => (error: unknown, _req: Request, res: Response, next: (err?: unknown) => void) => {
    if (!(error instanceof SingpassError)) return next(error);
    log(`login failed: ${error.code}: ${error.message} (${error.hint})`);
    res.redirect(303, `/?error=${flow.afterError(error).reason}`);
  };

  const clients = {
    login: new SingpassClient({ ...common, ...options.loginApp, appType: 'login', scope: LOGIN_SCOPES, redirectUri: `${publicUrl}/login/callback` }),
    myinfo: new SingpassClient({ ...common, ...options.myinfoApp, appType: 'myinfo', scope: MYINFO_SCOPES, redirectUri: `${publicUrl}/myinfo/callback` }),
  };
  for (const kind of ['login', 'myinfo'] as const) {
    const flow = createLoginFlow({ client: clients[kind], secret: options.cookieSecret, cookieName: `singpass_${kind}` });
    const handlers = expressLoginHandlers<Request, Response>(flow, {
      onSuccess: ({ sub, subAttributes, person, acr, amr }: LoginResult, _req, res) =>
        signIn(res, { app: kind, sub, amr, ...(acr ? { acr } : {}), ...(kind === 'login' ? { attributes: subAttributes } : { person: person ?? {} }) }),
      onError: failed(flow),
    });
    app.get(`/${kind}`, handlers.login);
    app.get(`/${kind}/callback`, handlers.callback);
    app.get(`/${kind}/jwks.json`, handlers.jwks);
  }

  app.get('/', (req, res) => {
    const reason = typeof req.query.error === 'string' ? req.query.error : undefined;
    const failure = reason ? (FAILURES[reason as LoginFailureReason] ?? FAILURES.failed) : undefined;
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(homePage(sessions.get(readCookie(req.headers.cookie, SESSION_COOKIE)), failure));
  });
  app.post('/logout', (req, res) => {
    sessions.delete(readCookie(req.headers.cookie, SESSION_COOKIE));
    appendSetCookie(res, sessionCookie('', 0));
    res.redirect(303, '/');
  });
  return { app, sessions, clients };
}
