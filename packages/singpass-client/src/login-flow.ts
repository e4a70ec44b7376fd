/**
 * The login dance, done once: a login's secrets — PKCE verifier, nonce, state and its DPoP
 * private key — live in an encrypted, authenticated, short-lived cookie (a JWE, `dir` + A256GCM,
 * with an `exp`, HttpOnly, SameSite=Lax), so the app runs no session store; on return the state
 * is checked, the code exchanged, the ID token checked and, for Myinfo apps, the Myinfo data
 * fetched; then the cookie becomes a marker of the finished login (no secrets), so that the Back
 * button to the callback is recognised as such. A failure says what it means for the user and
 * whether the cookie goes (`afterError`): another tab's login in progress keeps its cookie.
 * Framework-neutral: Web `Request` in, Web `Response` (or a Set-Cookie string) out; `adapters/`
 * has Express and Next.js.
 */
import { EncryptJWT, jwtDecrypt, errors as joseErrors } from 'jose';
import { callbackParams, redirectError, type AuthorizationUrlOptions, type SingpassClient } from './client.js';
import { SingpassConfigError, SingpassLoginError } from './errors.js';
import { toPlainPerson, type PlainPerson } from './myinfo/plain.js';
import type { PersonInfo } from './myinfo/types.js';
import type { LoginSession } from './session.js';
import type { SingpassIdTokenClaims, SingpassTokens, SubAttributes } from './types.js';

/** Options of {@link createLoginFlow}. */
export interface LoginFlowOptions {
  /** The configured client. */
  client: SingpassClient;
  /**
   * The secret the login cookie is encrypted with: 32 characters or more, random, kept out of
   * the code (an environment variable), the same on every instance. Changing it only cancels
   * logins in progress.
   */
  secret: string;
  /** Scopes to request. Default: the client's. */
  scope?: string | string[];
  /** Your callback URL. Default: the client's. */
  redirectUri?: string;
  /** Cookie name. Default `singpass_login`. */
  cookieName?: string;
  /** Seconds a login may take from start to finish. Default 600. */
  maxAge?: number;
  /** Cookie path. Default `/`. */
  cookiePath?: string;
  /** The cookie's `Secure` flag. Default: true when the redirect URI is https. */
  secure?: boolean;
  /** Myinfo apps: fetch the Myinfo data in `finish`. Default true. */
  userinfo?: boolean;
}

/** Options of one login: {@link AuthorizationUrlOptions} and where to go afterwards. */
export interface LoginStartOptions extends Omit<AuthorizationUrlOptions, 'redirectUri'> {
  /** Handed back by `finish` as `returnTo` (e.g. the page the user wanted). */
  returnTo?: string;
}

/** What {@link LoginFlow.begin} returns. */
export interface LoginBegin {
  /** The Singpass URL to redirect the browser to. */
  url: string;
  /** The `Set-Cookie` header value that keeps this login's secrets in the browser. */
  setCookie: string;
}

/** The user, once the login is complete. */
export interface LoginResult {
  /** The user's UUID at Singpass. */
  sub: string;
  /** The ID token's `sub_attributes` (Login apps: identity number, name, email, mobile per scope). */
  subAttributes: SubAttributes;
  acr: string | undefined;
  amr: string[];
  /** Every claim of the ID token, checked. */
  claims: SingpassIdTokenClaims;
  /** Myinfo apps: the Myinfo items in their Myinfo shapes. */
  personInfo?: PersonInfo;
  /** Myinfo apps: the same items as plain values (`toPlainPerson`). */
  person?: PlainPerson;
  /** The tokens, should the app need them (the DPoP key inside is secret). */
  tokens: SingpassTokens;
  /** The `returnTo` given to `begin`/`start`, if any. */
  returnTo?: string;
  /**
   * The `Set-Cookie` value to send with your response: it replaces the login's secrets with a
   * marker of the finished login (its state and `returnTo`, encrypted), so that a second return
   * to it — the Back button to the callback URL — is refused as `ERR_LOGIN_ALREADY_FINISHED`
   * rather than mistaken for a login from elsewhere.
   */
  setCookie: string;
}

/**
 * What a failed login means for the user — what the page should say:
 * - `declined`: the user declined or cancelled in Singpass;
 * - `expired`: the login took longer than `maxAge`;
 * - `already_finished`: the browser came back to a login that had already finished (the Back button);
 * - `not_started_here`: this browser has no login in progress that matches (another tab or
 *   browser, an old page, a cookie that is gone or was altered);
 * - `failed`: anything else (Singpass refused the request or the code, a check failed, the network…).
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
  /** The `returnTo` of the login the error is about, when it is this browser's (e.g. the user declined it). */
  returnTo?: string;
}

/** A request as the flow reads it: its URL and headers (a Web `Request` is one). */
export interface RequestLike {
  url: string;
  headers: { get(name: string): string | null };
}

/** A login flow bound to one client and one cookie secret. */
export interface LoginFlow {
  readonly client: SingpassClient;
  readonly cookieName: string;
  /** A `Set-Cookie` value that deletes the login cookie (send it with a login error). */
  readonly clearCookie: string;
  /** Starts a login (PAR): the Singpass URL and the cookie to set. */
  begin(options?: LoginStartOptions): Promise<LoginBegin>;
  /** `begin` as a Web `Response`: a 302 to Singpass that sets the cookie. */
  start(request?: Request, options?: LoginStartOptions): Promise<Response>;
  /**
   * Completes a login from the request that reached the redirect URI. When it throws, answer with
   * {@link LoginFlow.afterError}'s cookie (the adapters do).
   * @throws {SingpassLoginError} `ERR_AUTHORIZATION_ERROR`, `ERR_LOGIN_COOKIE_MISSING`, `ERR_LOGIN_COOKIE_INVALID`,
   * `ERR_LOGIN_EXPIRED`, `ERR_LOGIN_ALREADY_FINISHED`, `ERR_STATE_MISMATCH`; and what `callback` and `userinfo` throw.
   */
  finish(request: RequestLike): Promise<LoginResult>;
  /**
   * After `finish` threw: what happened in the user's terms, the cookie to send with the error
   * response and the `returnTo` of the login it is about. For other errors: `failed`, and the
   * cookie's deletion.
   */
  afterError(error: unknown): LoginErrorOutcome;
}

/** The cookie while a login is in progress: short names keep it small. */
interface CookiePayload {
  /** state */ s: string;
  /** nonce */ n: string;
  /** PKCE verifier */ v: string;
  /** redirect URI */ u: string;
  /** DPoP private key (P-256): x, y, d */ k: [string, string, string];
  /** returnTo */ r?: string;
}

/** The cookie once the login finished: no secrets, only what recognises a second return to it. */
interface FinishedPayload {
  /** state of the finished login */ f: string;
  /** its returnTo */ r?: string;
}

/** What the browser's login cookie holds. */
type Saved =
  | { kind: 'none' }
  | { kind: 'invalid'; cause: unknown }
  | { kind: 'expired'; cause: unknown; returnTo?: string }
  | { kind: 'pending'; session: LoginSession; returnTo?: string }
  | { kind: 'finished'; state: string; returnTo?: string };

/** A finished-login marker outlives a login's `maxAge`: Back is often pressed minutes later. */
const FINISHED_MARKER_SECONDS = 3600;

const encoder = new TextEncoder();

async function deriveCookieKey(secret: string): Promise<Uint8Array> {
  const ikm = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('singpass-client login-flow'), info: encoder.encode('login cookie v1') },
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
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/**
 * Creates a login flow. With Web Request/Response (Bun, Deno, Workers, Hono…):
 * ```ts
 * const flow = createLoginFlow({ client, secret: process.env.COOKIE_SECRET! });
 * // GET /login
 * return flow.start(request);
 * // GET /callback
 * const { sub, person, setCookie } = await flow.finish(request);
 * ```
 * @throws {SingpassConfigError} `ERR_INVALID_ARGUMENT` for a short secret, a bad cookie name or no redirect URI.
 */
export function createLoginFlow(options: LoginFlowOptions): LoginFlow {
  const { client, secret, cookieName = 'singpass_login', maxAge = 600, cookiePath = '/' } = options;
  if (typeof secret !== 'string' || secret.length < 32) {
    throw new SingpassConfigError('ERR_INVALID_ARGUMENT', 'the login flow secret must be a string of at least 32 characters', 'Generate one (`openssl rand -base64 32`) and keep it in an environment variable, the same on every instance.');
  }
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) throw new SingpassConfigError('ERR_INVALID_ARGUMENT', `invalid cookie name: ${cookieName}`, 'Use letters, digits, "-" and "_".');
  if (!Number.isInteger(maxAge) || maxAge <= 0) throw new SingpassConfigError('ERR_INVALID_ARGUMENT', 'maxAge must be a positive whole number of seconds', 'The default is 600.');
  const redirectUri = options.redirectUri ?? client.redirectUri;
  if (!isString(redirectUri)) {
    throw new SingpassConfigError('ERR_INVALID_ARGUMENT', 'no redirect URI', 'Pass redirectUri (your callback URL, registered with Singpass) to createLoginFlow or to SingpassClient.');
  }
  const secure = options.secure ?? redirectUri.startsWith('https:');
  const attributes = `Path=${cookiePath}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  const clearCookie = `${cookieName}=; Max-Age=0; ${attributes}`;
  const fetchUserinfo = client.appType === 'myinfo' && options.userinfo !== false;
  let key: Promise<Uint8Array> | undefined;
  const cookieKey = () => (key ??= deriveCookieKey(secret));

  async function seal(payload: CookiePayload | FinishedPayload, seconds: number): Promise<string> {
    return new EncryptJWT({ ...payload }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt().setExpirationTime(`${seconds}s`).encrypt(await cookieKey());
  }

  async function begin(startOptions: LoginStartOptions = {}): Promise<LoginBegin> {
    const { returnTo, ...authorization } = startOptions;
    const scope = authorization.scope ?? options.scope;
    const { url, session } = await client.authorizationUrl({ ...authorization, ...(scope !== undefined ? { scope } : {}), redirectUri });
    const { x, y, d } = session.dpopKey;
    const payload: CookiePayload = { s: session.state, n: session.nonce, v: session.codeVerifier, u: session.redirectUri, k: [x, y, d!] };
    if (returnTo !== undefined) payload.r = returnTo;
    return { url, setCookie: `${cookieName}=${await seal(payload, maxAge)}; Max-Age=${maxAge}; ${attributes}` };
  }

  async function start(_request?: Request, startOptions?: LoginStartOptions): Promise<Response> {
    const { url, setCookie } = await begin(startOptions);
    return new Response(null, { status: 302, headers: { location: url, 'set-cookie': setCookie, 'cache-control': 'no-store' } });
  }

  async function open(cookie: string | undefined): Promise<Saved> {
    if (!cookie) return { kind: 'none' };
    try {
      const { payload } = await jwtDecrypt(cookie, await cookieKey(), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      const returnTo = typeof payload.r === 'string' ? { returnTo: payload.r } : {};
      if (typeof payload.f === 'string') return { kind: 'finished', state: payload.f, ...returnTo };
      const p = payload as unknown as Partial<CookiePayload>;
      if (!isString(p.s) || !isString(p.n) || !isString(p.v) || !isString(p.u) || !Array.isArray(p.k) || p.k.length !== 3 || !p.k.every(isString)) {
        throw new TypeError('the login cookie is incomplete');
      }
      const [x, y, d] = p.k as [string, string, string];
      return { kind: 'pending', session: { state: p.s, nonce: p.n, codeVerifier: p.v, redirectUri: p.u, dpopKey: { kty: 'EC', crv: 'P-256', x, y, d } }, ...returnTo };
    } catch (cause) {
      if (cause instanceof joseErrors.JWTExpired) {
        // An old finished-login marker is as good as no cookie: no login is in progress.
        if (typeof cause.payload.f === 'string') return { kind: 'none' };
        const r = cause.payload.r;
        return { kind: 'expired', cause, ...(typeof r === 'string' ? { returnTo: r } : {}) };
      }
      return { kind: 'invalid', cause };
    }
  }

  /** Errors `finish` threw, with what to do about the cookie and where the user was going. */
  const outcomes = new WeakMap<object, LoginErrorOutcome>();
  function fail<E extends Error>(error: E, outcome: LoginErrorOutcome): E {
    outcomes.set(error, outcome);
    return error;
  }
  const withReturnTo = (returnTo: string | undefined): { returnTo?: string } => (returnTo === undefined ? {} : { returnTo });

  async function finish(request: RequestLike): Promise<LoginResult> {
    const params = callbackParams(request.url);
    const state = params.get('state');
    const saved = await open(readCookie(request.headers.get('cookie'), cookieName));
    const ours = saved.kind === 'pending' && state === saved.session.state;

    // An error redirect (the user declined…) is reported as such, with or without a cookie; it
    // ends this browser's login, and leaves another tab's alone.
    const refused = redirectError(params);
    if (refused) {
      const over = ours || saved.kind === 'invalid' || saved.kind === 'expired';
      throw fail(refused, {
        reason: refused.error === 'access_denied' ? 'declined' : 'failed',
        ...(over ? { setCookie: clearCookie } : {}),
        ...withReturnTo(ours ? saved.returnTo : undefined),
      });
    }
    switch (saved.kind) {
      case 'none':
        throw fail(
          new SingpassLoginError(
            'ERR_LOGIN_COOKIE_MISSING',
            `no ${cookieName} cookie: this browser did not start the login here, or took longer than ${maxAge} s`,
            'Start the login on the same site as the redirect URI (localhost and 127.0.0.1 are different sites), over https when Secure is set, and finish within maxAge.',
          ),
          { reason: 'not_started_here' },
        );
      case 'expired':
        throw fail(new SingpassLoginError('ERR_LOGIN_EXPIRED', `the login took longer than ${maxAge} seconds`, 'Start the login again (or raise maxAge).', { cause: saved.cause }), {
          reason: 'expired',
          setCookie: clearCookie,
          ...withReturnTo(saved.returnTo),
        });
      case 'invalid':
        throw fail(
          new SingpassLoginError(
            'ERR_LOGIN_COOKIE_INVALID',
            `the ${cookieName} cookie could not be decrypted or was altered`,
            'The secret changed since the login started (every instance must share one), or the cookie was tampered with: start the login again.',
            { cause: saved.cause },
          ),
          { reason: 'not_started_here', setCookie: clearCookie },
        );
      case 'finished':
        if (state === saved.state) {
          throw fail(
            new SingpassLoginError(
              'ERR_LOGIN_ALREADY_FINISHED',
              'this login already finished in this browser',
              'The browser came back to the callback of a finished login (the Back button). Keep the session the login started, if any, and say so; to log in as someone else, start a new login.',
            ),
            { reason: 'already_finished', ...withReturnTo(saved.returnTo) },
          );
        }
        break;
      case 'pending':
        break;
    }
    if (!ours) {
      // Another tab's login in progress keeps its cookie.
      throw fail(
        new SingpassLoginError(
          'ERR_STATE_MISMATCH',
          'the redirect’s state is not the one of the login this browser has in progress',
          'The browser came back from another login than the one it started (another tab, an old page, or a forged link). The login in progress stays valid; otherwise start the login again.',
        ),
        { reason: 'not_started_here' },
      );
    }
    const { session, returnTo } = saved;
    const result: Partial<LoginResult> = {};
    try {
      const tokens = await client.callback(params, session);
      Object.assign(result, { sub: tokens.sub, subAttributes: tokens.subAttributes, acr: tokens.acr, amr: tokens.amr, claims: tokens.claims, tokens });
      if (fetchUserinfo) {
        const { personInfo } = await client.userinfo(tokens);
        result.personInfo = personInfo;
        result.person = toPlainPerson(personInfo);
      }
    } catch (err) {
      if (typeof err === 'object' && err !== null) outcomes.set(err, { reason: 'failed', setCookie: clearCookie, ...withReturnTo(returnTo) });
      throw err;
    }
    const finished: FinishedPayload = { f: session.state };
    if (returnTo !== undefined) finished.r = result.returnTo = returnTo;
    const markerAge = Math.max(maxAge, FINISHED_MARKER_SECONDS);
    result.setCookie = `${cookieName}=${await seal(finished, markerAge)}; Max-Age=${markerAge}; ${attributes}`;
    return result as LoginResult;
  }

  function afterError(error: unknown): LoginErrorOutcome {
    return (typeof error === 'object' && error !== null && outcomes.get(error)) || { reason: 'failed', setCookie: clearCookie };
  }

  return { client, cookieName, clearCookie, begin, start, finish, afterError };
}
