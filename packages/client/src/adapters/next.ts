/**
 * Next.js (App Router) adapter: route handlers already take a Web `Request` and return a Web
 * `Response`, so this only adds the login cookie's update and an error page.
 *
 * ```ts
 * // app/api/sgid/[action]/route.ts — or two files, one per route
 * const routes = nextLoginRoutes(flow, {
 *   onSuccess: async ({ sub, parsed }) => { await saveSession(sub, parsed); return Response.redirect(new URL('/', process.env.APP_URL), 302); },
 * });
 * export const GET = routes.GET; // /api/sgid/login and /api/sgid/callback
 * ```
 */
import { SgidError } from '../errors.js';
import type { LoginFlow, LoginResult, LoginStartOptions } from '../login-flow.js';

/** Options of {@link nextLoginRoutes}. */
export interface NextLoginOptions {
  /** Builds the response once the user is logged in (the login cookie's replacement, a finished-login marker, is added to it). */
  onSuccess(result: LoginResult, request: Request): Response | Promise<Response>;
  /**
   * Builds the response for a failed login (`flow.afterError(error)` gives the failed login's
   * `returnTo`; the cookie it names is added to the response). Default: 400 with the error code
   * and message for SDK errors.
   */
  onError?(error: unknown, request: Request): Response | Promise<Response>;
  /** Per-login options from the request (scope, returnTo). */
  startOptions?(request: Request): LoginStartOptions | undefined;
  /** The last path segment that starts a login (default `login`); any other segment finishes one. */
  loginSegment?: string;
}

function withCookie(response: Response, cookie: string): Response {
  // Responses from Response.redirect() have immutable headers: copy before adding.
  const copy = new Response(response.body, response);
  copy.headers.append('set-cookie', cookie);
  return copy;
}

function defaultOnError(error: unknown): Response {
  if (!(error instanceof SgidError)) throw error;
  return new Response(`Login failed (${error.code}): ${error.message}\n${error.hint}\n`, {
    status: 400,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

/**
 * Route handlers for Next.js (or any framework whose handlers are `(Request) => Response`):
 * `login`, `callback`, and `GET`, which dispatches on the last path segment.
 */
export function nextLoginRoutes(
  flow: LoginFlow,
  options: NextLoginOptions,
): { login(request: Request): Promise<Response>; callback(request: Request): Promise<Response>; GET(request: Request): Promise<Response> } {
  const onError = options.onError ?? defaultOnError;
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
      const response = await onError(error, request);
      const { setCookie } = flow.afterError(error);
      return setCookie ? withCookie(response, setCookie) : response;
    }
    return withCookie(await options.onSuccess(result, request), result.setCookie);
  };
  const loginSegment = options.loginSegment ?? 'login';
  const GET = (request: Request) => {
    const last = new URL(request.url).pathname.split('/').filter(Boolean).pop();
    return last === loginSegment ? login(request) : callback(request);
  };
  return { login, callback, GET };
}
