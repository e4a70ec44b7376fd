/**
 * Next.js (App Router) route handlers: they take a Web `Request` and return a Web `Response`, so
 * this adds the cookie deletion, the default error page and the JWKS route.
 *
 * ```ts
 * // app/auth/[action]/route.ts → /auth/login, /auth/callback, /auth/jwks
 * export const { GET } = nextLoginRoutes(flow, {
 *   onSuccess: async ({ sub, person }) => { await saveSession(sub, person); return Response.redirect(new URL('/', process.env.APP_URL), 302); },
 * });
 * ```
 */
import type { LoginFlow, LoginResult, LoginStartOptions } from '../login-flow.js';
import { jwksResponse, loginErrorResponse } from './web.js';

/** Options of {@link nextLoginRoutes}. */
export interface NextLoginOptions {
  /** Builds the response once the user is logged in (the login cookie's replacement is added to it). */
  onSuccess(result: LoginResult, request: Request): Response | Promise<Response>;
  /**
   * Builds the response for a failed login (`flow.afterError(error)` says what happened). Default:
   * 400 with the error code and hint. The cookie's deletion is added when the failure ended this
   * browser's login.
   */
  onError?(error: unknown, request: Request): Response | Promise<Response>;
  /** Per-login options from the request (scope, returnTo…). */
  startOptions?(request: Request): LoginStartOptions | undefined;
  /** The last path segment that starts a login. Default `login`. */
  loginSegment?: string;
  /** The last path segment that serves your JWKS. Default `jwks`. */
  jwksSegment?: string;
}

function withCookie(response: Response, cookie: string): Response {
  // Response.redirect() gives immutable headers: copy before adding.
  const copy = new Response(response.body, response);
  copy.headers.append('set-cookie', cookie);
  return copy;
}

/**
 * Route handlers for Next.js, or any framework whose handlers are `(Request) => Response`:
 * `login`, `callback`, `jwks`, and `GET`, which dispatches on the last path segment
 * (`login`, `jwks`, anything else is the callback).
 */
export function nextLoginRoutes(
  flow: LoginFlow,
  options: NextLoginOptions,
): {
  login(request: Request): Promise<Response>;
  callback(request: Request): Promise<Response>;
  jwks(request?: Request): Response;
  GET(request: Request): Promise<Response>;
} {
  const onError = options.onError ?? loginErrorResponse;
  const login = async (request: Request) => {
    try {
      return await flow.start(request, options.startOptions?.(request));
    } catch (error) {
      return onError(error, request);
    }
  };
  const callback = async (request: Request) => {
    let result: LoginResult;
    try {
      result = await flow.finish(request);
    } catch (error) {
      const { setCookie } = flow.afterError(error);
      const response = await onError(error, request);
      return setCookie ? withCookie(response, setCookie) : response;
    }
    return withCookie(await options.onSuccess(result, request), result.setCookie);
  };
  const jwks = () => jwksResponse(flow.client);
  const loginSegment = options.loginSegment ?? 'login';
  const jwksSegment = options.jwksSegment ?? 'jwks';
  const GET = async (request: Request) => {
    const last = new URL(request.url).pathname.split('/').filter(Boolean).pop();
    if (last === loginSegment) return login(request);
    if (last === jwksSegment) return jwks();
    return callback(request);
  };
  return { login, callback, jwks, GET };
}
