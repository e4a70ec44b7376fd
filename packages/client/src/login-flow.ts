/**
 * The login dance every app re-implements, done once: PKCE verifier, nonce and state live in an
 * encrypted, authenticated, short-lived cookie (a JWE, `dir` + A256GCM, with an `exp`), so the
 * app needs no server-side session store; the state is checked on return; the result is the
 * user's `{ sub, data }`. Framework-neutral: Web `Request` in, Web `Response` (or a Set-Cookie
 * string) out. See `adapters/` for Express and Next.js.
 */
import { EncryptJWT, jwtDecrypt, errors as joseErrors } from 'jose';
import { base64url } from 'sgid-protocol';
import type { SgidClient } from './client.js';
import { DEFAULT_SCOPE } from './client.js';
import { parseData, type SgidParsedData } from './data-types.js';
import { MESSAGES, SgidConfigError, SgidLoginError } from './errors.js';
import { generateNonce, generatePkcePair } from './generators.js';

/** Options of {@link createLoginFlow}. */
export interface LoginFlowOptions {
  /** The configured client (its redirect URI is used unless `redirectUri` is given). */
  client: SgidClient;
  /**
   * Secret the login cookie is encrypted with: 32 characters or more, random, kept out of the
   * code (e.g. an environment variable). Rotating it only invalidates logins in progress.
   */
  secret: string;
  /** Scopes to request. Default `"myinfo.name openid"` (the official default). */
  scope?: string | string[];
  /** Redirect URI (your callback route). Default: the client's. */
  redirectUri?: string;
  /** Cookie name. Default `sgid_login`. */
  cookieName?: string;
  /** Seconds a login may take, from `start` to `finish`. Default 600. */
  maxAge?: number;
  /** Cookie path. Default `/`. */
  cookiePath?: string;
  /** Sets the cookie's `Secure` flag. Default: true when the redirect URI is https. */
  secure?: boolean;
}

/** Options of one {@link LoginFlow.start}. */
export interface LoginStartOptions {
  /** Scopes for this login, overriding the flow's. */
  scope?: string | string[];
  /** Where the app wants to send the user after login; handed back by `finish` as `returnTo`. */
  returnTo?: string;
}

/** What {@link LoginFlow.begin} returns. */
export interface LoginBegin {
  /** The sgID authorization URL to redirect the browser to. */
  url: string;
  /** The `Set-Cookie` header value that stores this login's secrets in the browser. */
  setCookie: string;
}

/** The user, once the login is complete. */
export interface LoginResult {
  /** The user's pairwise identifier at your client. */
  sub: string;
  /** The decrypted data, scope → string (as `userinfo` returns it). */
  data: Record<string, string>;
  /** `data` parsed with the scope-to-type map ({@link parseData}). */
  parsed: SgidParsedData;
  accessToken: string;
  idToken: string;
  /** The `returnTo` given to `start`, if any. */
  returnTo?: string;
  /**
   * The `Set-Cookie` header value to send with your response: it replaces the login's secrets
   * with a marker of the finished login (its state and `returnTo`, encrypted), so that a second
   * return to this login — the Back button to sgID's page, then approving again — is refused as
   * `ERR_LOGIN_ALREADY_FINISHED` rather than mistaken for a login from elsewhere.
   */
  setCookie: string;
}

/**
 * What a failed login means for the user — what the page should say:
 * - `declined`: the user declined in the Singpass app;
 * - `expired`: the login took longer than `maxAge`;
 * - `already_finished`: the user returned to a login that had already finished (the Back button
 *   to sgID's page, then approving again): that approval was not used;
 * - `not_started_here`: this browser has no login in progress that matches (another tab or
 *   browser, an old page, a cookie that is gone or was altered);
 * - `failed`: anything else (sgID refused the request or the code, a network error…).
 */
export type LoginFailureReason = 'declined' | 'expired' | 'already_finished' | 'not_started_here' | 'failed';

/** What {@link LoginFlow.afterError} tells an app about a failed `finish`. */
export interface LoginErrorOutcome {
  /** What happened, in the user's terms. */
  reason: LoginFailureReason;
  /**
   * The `Set-Cookie` to send with the error response: it deletes the login cookie when the error
   * ended the login this browser had started. Absent when the cookie must stay as it is: it
   * belongs to another login still in progress (another tab: `ERR_STATE_MISMATCH`), marks a
   * finished one (`ERR_LOGIN_ALREADY_FINISHED`), or there is none.
   */
  setCookie?: string;
  /**
   * The `returnTo` of the login the error is about, when that login is the one this browser
   * started (e.g. the user declined it) or had finished: send the user back where they were.
   */
  returnTo?: string;
}

/** A login flow bound to one client and one cookie secret. */
export interface LoginFlow {
  /** The cookie's name. */
  readonly cookieName: string;
  /** A `Set-Cookie` value that deletes the login cookie (send it when you show a login error). */
  readonly clearCookie: string;
  /** Creates a login: the authorization URL and the cookie to set. */
  begin(options?: LoginStartOptions): Promise<LoginBegin>;
  /** `begin` as a Web `Response`: a 302 to sgID that sets the cookie. */
  start(request?: Request, options?: LoginStartOptions): Promise<Response>;
  /**
   * Completes a login from the request that reached your redirect URI: checks the cookie and the
   * state, exchanges the code, validates the ID token, fetches and decrypts the data.
   * When it throws, answer with {@link LoginFlow.afterError}'s cookie (the adapters do).
   * @throws {SgidLoginError} `ERR_AUTHORIZATION_ERROR`, `ERR_LOGIN_COOKIE_MISSING`,
   * `ERR_LOGIN_COOKIE_INVALID`, `ERR_LOGIN_EXPIRED`, `ERR_STATE_MISMATCH`,
   * `ERR_LOGIN_ALREADY_FINISHED`, `ERR_MISSING_CODE`; and whatever `callback`/`userinfo` throw.
   */
  finish(request: Request | { url: string; headers: Headers | { get(name: string): string | null } }): Promise<LoginResult>;
  /**
   * After `finish` threw: what happened in the user's terms, the cookie to send with the error
   * response and the `returnTo` of the login the error is about (see {@link LoginErrorOutcome}).
   * For an error `finish` did not throw: `failed`, and the cookie's deletion.
   */
  afterError(error: unknown): LoginErrorOutcome;
}

/** The login cookie while a login is in progress. */
interface LoginCookie {
  /** code verifier */ v: string;
  /** nonce */ n: string;
  /** state */ s: string;
  /** redirect URI */ u: string;
  /** returnTo */ r?: string;
}

/** The login cookie once the login finished: no secrets, only what recognises a second return to it. */
interface FinishedCookie {
  /** state of the finished login */ f: string;
  /** its returnTo */ r?: string;
}

/** What the browser's login cookie holds. */
type SavedLogin =
  | { kind: 'none' }
  | { kind: 'invalid'; cause: unknown }
  | { kind: 'expired'; cause: unknown; returnTo?: string }
  | { kind: 'pending'; login: LoginCookie }
  | { kind: 'finished'; state: string; returnTo?: string };

/** A finished-login marker outlives a login's `maxAge`: Back is often pressed minutes later. */
const FINISHED_MARKER_SECONDS = 3600;

const encoder = new TextEncoder();

async function deriveCookieKey(secret: string): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('sgid-client login-flow'), info: encoder.encode('login cookie v1') },
    ikm,
    256,
  );
  return new Uint8Array(bits);
}

/** Reads one cookie from a `Cookie` header. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/**
 * Creates a login flow. Typical use (any runtime with Web Request/Response):
 * ```ts
 * const flow = createLoginFlow({ client, secret: process.env.SGID_COOKIE_SECRET! });
 * // GET /login
 * return flow.start(request);
 * // GET /callback
 * const { sub, data, setCookie } = await flow.finish(request);
 * ```
 * @throws {SgidConfigError} `ERR_INVALID_ARGUMENT` for a short secret or no redirect URI.
 */
export function createLoginFlow(options: LoginFlowOptions): LoginFlow {
  const { client, secret, cookieName = 'sgid_login', maxAge = 600, cookiePath = '/' } = options;
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new SgidConfigError(
      'ERR_INVALID_ARGUMENT',
      'the login flow secret must be a string of at least 32 characters',
      'Generate one, e.g. `openssl rand -base64 32`, and keep it in an environment variable.',
    );
  }
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) {
    throw new SgidConfigError('ERR_INVALID_ARGUMENT', `invalid cookie name: ${cookieName}`, 'Use letters, digits, "-" and "_".');
  }
  const configuredRedirectUri = options.redirectUri ?? client.redirectUri;
  if (!configuredRedirectUri) {
    throw new SgidConfigError(
      'ERR_MISSING_REDIRECT_URI',
      MESSAGES.MISSING_REDIRECT_URI,
      'Pass redirectUri (your callback route, registered with the client) to createLoginFlow or to the SgidClient constructor.',
    );
  }
  const redirectUri: string = configuredRedirectUri;
  const secure = options.secure ?? redirectUri.startsWith('https:');
  const attributes = `Path=${cookiePath}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  const clearCookie = `${cookieName}=; Max-Age=0; ${attributes}`;
  let key: Promise<Uint8Array> | undefined;
  const cookieKey = () => (key ??= deriveCookieKey(secret));

  async function begin(startOptions: LoginStartOptions = {}): Promise<LoginBegin> {
    const { codeVerifier, codeChallenge } = generatePkcePair();
    const state = base64url(crypto.getRandomValues(new Uint8Array(24)));
    const { url, nonce } = client.authorizationUrl({
      codeChallenge,
      state,
      nonce: generateNonce(),
      redirectUri,
      scope: startOptions.scope ?? options.scope ?? DEFAULT_SCOPE,
    });
    const payload: LoginCookie = { v: codeVerifier, n: nonce!, s: state, u: redirectUri };
    if (startOptions.returnTo !== undefined) payload.r = startOptions.returnTo;
    return { url, setCookie: `${cookieName}=${await seal(payload, maxAge)}; Max-Age=${maxAge}; ${attributes}` };
  }

  async function start(_request?: Request, startOptions?: LoginStartOptions): Promise<Response> {
    const { url, setCookie } = await begin(startOptions);
    return new Response(null, { status: 302, headers: { location: url, 'set-cookie': setCookie, 'cache-control': 'no-store' } });
  }

  async function seal(payload: LoginCookie | FinishedCookie, seconds: number): Promise<string> {
    return new EncryptJWT({ ...payload })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt()
      .setExpirationTime(`${seconds}s`)
      .encrypt(await cookieKey());
  }

  async function open(cookie: string | undefined): Promise<SavedLogin> {
    if (!cookie) return { kind: 'none' };
    try {
      const { payload } = await jwtDecrypt(cookie, await cookieKey(), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      const returnTo = typeof payload['r'] === 'string' ? { returnTo: payload['r'] } : {};
      if (typeof payload['f'] === 'string') return { kind: 'finished', state: payload['f'], ...returnTo };
      const login = payload as unknown as LoginCookie;
      if (typeof login.v !== 'string' || typeof login.s !== 'string' || typeof login.n !== 'string' || typeof login.u !== 'string') {
        throw new TypeError('login cookie is incomplete');
      }
      return { kind: 'pending', login };
    } catch (cause) {
      if (cause instanceof joseErrors.JWTExpired) {
        // An old finished-login marker is as good as no cookie: no login is in progress.
        if (typeof cause.payload['f'] === 'string') return { kind: 'none' };
        const r = cause.payload['r'];
        return { kind: 'expired', cause, ...(typeof r === 'string' ? { returnTo: r } : {}) };
      }
      return { kind: 'invalid', cause };
    }
  }

  /** Errors `finish` threw, with what the app should do about the cookie and where the user was going. */
  const outcomes = new WeakMap<object, LoginErrorOutcome>();
  function fail<E extends Error>(error: E, outcome: LoginErrorOutcome): E {
    outcomes.set(error, outcome);
    return error;
  }
  const withReturnTo = (returnTo: string | undefined): { returnTo?: string } => (returnTo === undefined ? {} : { returnTo });

  async function finish(request: { url: string; headers: { get(name: string): string | null } }): Promise<LoginResult> {
    const query = new URL(request.url).searchParams;
    const state = query.get('state');
    const saved = await open(readCookie(request.headers.get('cookie'), cookieName));
    const ours = saved.kind === 'pending' && state === saved.login.s;

    const error = query.get('error');
    if (error) {
      const description = query.get('error_description');
      // The login this browser started is over; a refusal of another login (another tab's) leaves
      // that one's cookie alone.
      const over = ours || saved.kind === 'invalid' || saved.kind === 'expired';
      throw fail(
        new SgidLoginError(
          'ERR_AUTHORIZATION_ERROR',
          description ? `${error} (${description})` : error,
          error === 'access_denied' ? 'The user declined on the Singpass app: offer to log in again.' : 'sgID refused the authorization request: check the scopes your client is registered for and the redirect URI.',
        ),
        {
          reason: error === 'access_denied' ? 'declined' : 'failed',
          ...(over ? { setCookie: clearCookie } : {}),
          ...withReturnTo(ours ? saved.login.r : undefined),
        },
      );
    }
    switch (saved.kind) {
      case 'none':
        throw fail(
          new SgidLoginError(
            'ERR_LOGIN_COOKIE_MISSING',
            `no ${cookieName} cookie: this browser did not start the login here, or the cookie expired`,
            'Start the login on the same origin as the redirect URI (localhost and 127.0.0.1 are different sites), over https when Secure is set, and finish within maxAge.',
          ),
          { reason: 'not_started_here' },
        );
      case 'expired':
        throw fail(
          new SgidLoginError('ERR_LOGIN_EXPIRED', `the login took longer than ${maxAge} seconds`, 'Start the login again (or raise maxAge).', { cause: saved.cause }),
          { reason: 'expired', setCookie: clearCookie, ...withReturnTo(saved.returnTo) },
        );
      case 'invalid':
        throw fail(
          new SgidLoginError(
            'ERR_LOGIN_COOKIE_INVALID',
            `the ${cookieName} cookie could not be decrypted or was altered`,
            'The secret changed since the login started (several instances must share one secret), or the cookie was tampered with. Start the login again.',
            { cause: saved.cause },
          ),
          { reason: 'not_started_here', setCookie: clearCookie },
        );
      case 'finished':
        if (state === saved.state) {
          throw fail(
            new SgidLoginError(
              'ERR_LOGIN_ALREADY_FINISHED',
              'this login was already finished in this browser; the second approval of it was not used',
              'The user went back to the sgID page of a finished login (Back button) and approved again. Keep the session the first approval started, if any, and say so; to log in as someone else, start a new login.',
            ),
            { reason: 'already_finished', ...withReturnTo(saved.returnTo) },
          );
        }
        throw fail(
          new SgidLoginError(
            'ERR_STATE_MISMATCH',
            `state mismatch: no login in progress in this browser matches state ${String(state)}`,
            'The user returned from a login this browser did not start here (an old page, another browser, or a forged link). Start the login again.',
          ),
          { reason: 'not_started_here' },
        );
      case 'pending':
        break;
    }
    const login = saved.login;
    if (!ours) {
      throw fail(
        new SgidLoginError(
          'ERR_STATE_MISMATCH',
          `state mismatch, expected ${login.s}, got: ${String(state)}`,
          'The user returned from a different login than the one this browser started (another tab, or a forged link). The login in progress stays valid; otherwise start the login again.',
        ),
        { reason: 'not_started_here' },
      );
    }
    const code = query.get('code');
    if (!code) {
      throw fail(new SgidLoginError('ERR_MISSING_CODE', 'the redirect has no code parameter', 'Point this handler at your redirect URI only.'), {
        reason: 'failed',
        setCookie: clearCookie,
        ...withReturnTo(login.r),
      });
    }
    let sub: string, accessToken: string, idToken: string, data: Record<string, string>;
    try {
      ({ sub, accessToken, idToken } = await client.callback({ code, codeVerifier: login.v, nonce: login.n, redirectUri: login.u }));
      ({ data } = await client.userinfo({ sub, accessToken }));
    } catch (err) {
      if (typeof err === 'object' && err !== null) outcomes.set(err, { reason: 'failed', setCookie: clearCookie, ...withReturnTo(login.r) });
      throw err;
    }
    const finished: FinishedCookie = { f: login.s };
    if (login.r !== undefined) finished.r = login.r;
    const markerAge = Math.max(maxAge, FINISHED_MARKER_SECONDS);
    const result: LoginResult = {
      sub,
      data,
      parsed: parseData(data),
      accessToken,
      idToken,
      setCookie: `${cookieName}=${await seal(finished, markerAge)}; Max-Age=${markerAge}; ${attributes}`,
    };
    if (login.r !== undefined) result.returnTo = login.r;
    return result;
  }

  function afterError(error: unknown): LoginErrorOutcome {
    return (typeof error === 'object' && error !== null && outcomes.get(error)) || { reason: 'failed', setCookie: clearCookie };
  }

  return { cookieName, clearCookie, begin, start, finish, afterError };
}
