/**
 * Express (and plain `node:http`) handlers for the login flow and the JWKS. Structural types only:
 * no import of express or of any Node module, so the SDK stays runtime-neutral.
 *
 * ```ts
 * const singpass = expressLoginHandlers(flow, {
 *   onSuccess: ({ sub, person }, req, res) => { req.session.user = { sub, name: person?.name }; res.redirect('/'); },
 * });
 * app.get('/login', singpass.login);
 * app.get('/callback', singpass.callback);
 * app.get('/.well-known/jwks.json', singpass.jwks);
 * ```
 */
import { SingpassError } from '../errors.js';
import type { LoginFlow, LoginResult, LoginStartOptions } from '../login-flow.js';
import { loginErrorText } from './web.js';

/** The parts of an Express / `node:http` request the handlers read. */
export interface NodeLikeRequest {
  url?: string;
  originalUrl?: string;
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of an Express / `node:http` response the handlers write. */
export interface NodeLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string | string[]): unknown;
  getHeader?(name: string): unknown;
  end(body?: string | Uint8Array): unknown;
  headersSent?: boolean;
}

/** Options of {@link expressLoginHandlers}. */
export interface ExpressLoginOptions<Req extends NodeLikeRequest, Res extends NodeLikeResponse> {
  /** Called with the logged-in user; the login cookie's replacement (a finished-login marker) is already set on `res`. */
  onSuccess(result: LoginResult, req: Req, res: Res): unknown;
  /**
   * Called when a login fails (the cookie's deletion is already set when the failure ended this
   * browser's login; `flow.afterError(error)` says what happened and gives its `returnTo`).
   * Default: SDK errors answer 400 with the error code and hint (never text from the redirect);
   * others go to `next`.
   */
  onError?(error: unknown, req: Req, res: Res, next: (err?: unknown) => void): unknown;
  /** Per-login options (scope, returnTo…) from the request, e.g. `req => ({ returnTo: req.query.next })`. */
  startOptions?(req: Req): LoginStartOptions | undefined;
}

/** A Web `Request` with the URL and headers of a Node request (the body is not needed). */
export function toWebRequest(req: NodeLikeRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const host = (typeof req.headers.host === 'string' && req.headers.host) || 'localhost';
  return new Request(`${req.protocol ?? 'http'}://${host}${req.originalUrl ?? req.url ?? '/'}`, { headers });
}

/** Adds a `Set-Cookie` to the response, keeping those already set. */
export function appendSetCookie(res: NodeLikeResponse, cookie: string): void {
  const existing = res.getHeader?.('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  res.setHeader('set-cookie', [...list, cookie]);
}

function defaultOnError(error: unknown, _req: unknown, res: NodeLikeResponse, next: (err?: unknown) => void): void {
  if (!(error instanceof SingpassError)) return next(error);
  res.statusCode = 400;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(loginErrorText(error));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = { [key: string]: any };

/**
 * Express handlers: `login` (starts a login: 302 to Singpass), `callback` (your redirect URI)
 * and `jwks` (your public JWKS, for the JWKS URL registered with Singpass). Pass Express's own
 * types for full typing: `expressLoginHandlers<express.Request, express.Response>(flow, …)`.
 */
export function expressLoginHandlers<Req extends NodeLikeRequest = NodeLikeRequest & Loose, Res extends NodeLikeResponse = NodeLikeResponse & Loose>(
  flow: LoginFlow,
  options: ExpressLoginOptions<NoInfer<Req>, NoInfer<Res>>,
): {
  login(req: Req, res: Res, next?: (err?: unknown) => void): Promise<void>;
  callback(req: Req, res: Res, next?: (err?: unknown) => void): Promise<void>;
  jwks(req: Req, res: Res): void;
} {
  const onError = options.onError ?? defaultOnError;
  return {
    async login(req, res, next = () => {}) {
      try {
        const { url, setCookie } = await flow.begin(options.startOptions?.(req));
        appendSetCookie(res, setCookie);
        res.statusCode = 302;
        res.setHeader('location', url);
        res.setHeader('cache-control', 'no-store');
        res.end();
      } catch (error) {
        await onError(error, req, res, next);
      }
    },
    async callback(req, res, next = () => {}) {
      let result: LoginResult;
      try {
        result = await flow.finish(toWebRequest(req));
      } catch (error) {
        const { setCookie } = flow.afterError(error);
        if (setCookie && !res.headersSent) appendSetCookie(res, setCookie);
        await onError(error, req, res, next);
        return;
      }
      appendSetCookie(res, result.setCookie);
      try {
        await options.onSuccess(result, req, res);
      } catch (error) {
        next(error);
      }
    },
    jwks(_req, res) {
      res.statusCode = 200;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'public, max-age=300');
      res.end(JSON.stringify(flow.client.jwks()));
    },
  };
}
