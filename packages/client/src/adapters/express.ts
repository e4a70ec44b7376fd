/**
 * Express (and plain `node:http`) adapter for the login flow. Structural types only: no import
 * of express or of any Node module, so the SDK stays runtime-neutral.
 *
 * ```ts
 * const sgid = expressLoginHandlers(flow, {
 *   onSuccess: ({ sub, parsed }, req, res) => { req.session.user = { sub, name: parsed['myinfo.name'] }; res.redirect('/'); },
 * });
 * app.get('/login', sgid.login);
 * app.get('/callback', sgid.callback);
 * ```
 */
import { SgidError } from '../errors.js';
import type { LoginFlow, LoginResult, LoginStartOptions } from '../login-flow.js';

/** The parts of an Express / `node:http` request the adapter reads. */
export interface NodeLikeRequest {
  url?: string;
  originalUrl?: string;
  protocol?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The parts of an Express / `node:http` response the adapter writes. */
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
   * Called when the login fails, with the login cookie's deletion already set on `res` when the
   * error ended this browser's login (`flow.afterError(error)` also gives its `returnTo`).
   * Default: SDK errors answer 400 with their code and message, anything else goes to `next`.
   */
  onError?(error: unknown, req: Req, res: Res, next: (err?: unknown) => void): unknown;
  /** Per-login options (scope, returnTo) from the request, e.g. `req => ({ returnTo: req.query.next })`. */
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

/** Writes a Web `Response` to a Node response (status, headers incl. every Set-Cookie, body). */
export async function sendWebResponse(res: NodeLikeResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) appendSetCookie(res, cookie);
  res.end(new Uint8Array(await response.arrayBuffer()));
}

function defaultOnError(error: unknown, _req: unknown, res: NodeLikeResponse, next: (err?: unknown) => void): void {
  if (!(error instanceof SgidError)) return next(error);
  res.statusCode = 400;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`Login failed (${error.code}): ${error.message}\n${error.hint}\n`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = { [key: string]: any };

/**
 * Express handlers for the two login routes. Pass Express's own types for full typing:
 * `expressLoginHandlers<express.Request, express.Response>(flow, …)`; by default `req`/`res`
 * accept any property (e.g. `res.json`, `req.session`).
 */
export function expressLoginHandlers<Req extends NodeLikeRequest = NodeLikeRequest & Loose, Res extends NodeLikeResponse = NodeLikeResponse & Loose>(
  flow: LoginFlow,
  options: ExpressLoginOptions<NoInfer<Req>, NoInfer<Res>>,
): {
  login(req: Req, res: Res, next?: (err?: unknown) => void): Promise<void>;
  callback(req: Req, res: Res, next?: (err?: unknown) => void): Promise<void>;
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
  };
}
