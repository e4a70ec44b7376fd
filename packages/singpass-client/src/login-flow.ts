/**
 * The login dance, done once: a login's secrets — PKCE verifier, nonce, state and its DPoP
 * private key — live in an encrypted, authenticated, short-lived cookie (a JWE, `dir` + A256GCM,
 * with an `exp`, HttpOnly, SameSite=Lax), so the app runs no session store; on return the state
 * is checked, the code exchanged, the ID token checked and, for Myinfo apps, the Myinfo data
 * fetched. Framework-neutral: Web `Request` in, Web `Response` (or a Set-Cookie string) out;
 * `adapters/` has Express and Next.js.
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
  /** The `Set-Cookie` value that deletes the login cookie: send it with your response. */
  setCookie: string;
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
   * Completes a login from the request that reached the redirect URI.
   * @throws {SingpassLoginError} `ERR_LOGIN_COOKIE_MISSING`, `ERR_LOGIN_COOKIE_INVALID`, `ERR_LOGIN_EXPIRED`,
   * and what `callback` and `userinfo` throw.
   */
  finish(request: RequestLike): Promise<LoginResult>;
}

/** The cookie's payload: short names keep it small. */
interface CookiePayload {
  /** state */ s: string;
  /** nonce */ n: string;
  /** PKCE verifier */ v: string;
  /** redirect URI */ u: string;
  /** DPoP private key (P-256): x, y, d */ k: [string, string, string];
  /** returnTo */ r?: string;
}

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

  async function begin(startOptions: LoginStartOptions = {}): Promise<LoginBegin> {
    const { returnTo, ...authorization } = startOptions;
    const scope = authorization.scope ?? options.scope;
    const { url, session } = await client.authorizationUrl({ ...authorization, ...(scope !== undefined ? { scope } : {}), redirectUri });
    const { x, y, d } = session.dpopKey;
    const payload: CookiePayload = { s: session.state, n: session.nonce, v: session.codeVerifier, u: session.redirectUri, k: [x, y, d!] };
    if (returnTo !== undefined) payload.r = returnTo;
    const value = await new EncryptJWT({ ...payload }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt().setExpirationTime(`${maxAge}s`).encrypt(await cookieKey());
    return { url, setCookie: `${cookieName}=${value}; Max-Age=${maxAge}; ${attributes}` };
  }

  async function start(_request?: Request, startOptions?: LoginStartOptions): Promise<Response> {
    const { url, setCookie } = await begin(startOptions);
    return new Response(null, { status: 302, headers: { location: url, 'set-cookie': setCookie, 'cache-control': 'no-store' } });
  }

  async function readSession(request: RequestLike): Promise<{ session: LoginSession; returnTo: string | undefined }> {
    const cookie = readCookie(request.headers.get('cookie'), cookieName);
    if (!cookie) {
      throw new SingpassLoginError(
        'ERR_LOGIN_COOKIE_MISSING',
        `no ${cookieName} cookie: this browser did not start the login here, or took longer than ${maxAge} s`,
        'Start the login on the same site as the redirect URI (localhost and 127.0.0.1 are different sites), over https when Secure is set, and finish within maxAge.',
      );
    }
    try {
      const { payload } = await jwtDecrypt(cookie, await cookieKey(), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      const p = payload as unknown as Partial<CookiePayload>;
      if (!isString(p.s) || !isString(p.n) || !isString(p.v) || !isString(p.u) || !Array.isArray(p.k) || !p.k.every(isString) || p.k.length !== 3) {
        throw new TypeError('the login cookie is incomplete');
      }
      const [x, y, d] = p.k as [string, string, string];
      const session: LoginSession = { state: p.s, nonce: p.n, codeVerifier: p.v, redirectUri: p.u, dpopKey: { kty: 'EC', crv: 'P-256', x, y, d } };
      return { session, returnTo: typeof p.r === 'string' ? p.r : undefined };
    } catch (cause) {
      if (cause instanceof joseErrors.JWTExpired) {
        throw new SingpassLoginError('ERR_LOGIN_EXPIRED', `the login took longer than ${maxAge} seconds`, 'Start the login again (or raise maxAge).', { cause });
      }
      throw new SingpassLoginError(
        'ERR_LOGIN_COOKIE_INVALID',
        `the ${cookieName} cookie could not be decrypted or was altered`,
        'The secret changed since the login started (every instance must share one), or the cookie was tampered with: start the login again.',
        { cause },
      );
    }
  }

  async function finish(request: RequestLike): Promise<LoginResult> {
    // An error redirect (the user declined…) is reported as such, with or without a cookie.
    const refused = redirectError(callbackParams(request.url));
    if (refused) throw refused;
    const { session, returnTo } = await readSession(request);
    const tokens = await client.callback(request.url, session);
    const result: LoginResult = {
      sub: tokens.sub,
      subAttributes: tokens.subAttributes,
      acr: tokens.acr,
      amr: tokens.amr,
      claims: tokens.claims,
      tokens,
      setCookie: clearCookie,
    };
    if (fetchUserinfo) {
      const { personInfo } = await client.userinfo(tokens);
      result.personInfo = personInfo;
      result.person = toPlainPerson(personInfo);
    }
    if (returnTo !== undefined) result.returnTo = returnTo;
    return result;
  }

  return { client, cookieName, clearCookie, begin, start, finish };
}
