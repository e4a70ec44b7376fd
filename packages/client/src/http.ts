/**
 * Requests to the provider: `fetch` only. Every failure becomes an {@link SgidResponseError}
 * carrying the OAuth `error` and `error_description` when the provider sent them (in the JSON
 * body, RFC 6749 §5.2, or in `WWW-Authenticate`, RFC 6750 §3).
 */
import { SgidResponseError } from './errors.js';

/** How the SDK reaches the provider. */
export interface HttpOptions {
  fetch: typeof fetch;
  /** Milliseconds; 0 or less disables the timeout. */
  timeout: number;
}

const decoder = new TextDecoder();

const noop = () => {};
const timeoutError = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

interface Deadline {
  signal: AbortSignal;
  /** Called when the request (body included) is over. */
  done(): void;
}

/** Shared deadlines, per timeout value: requests that start within `window` ms share one. */
const shared = new Map<number, { controller: AbortController; closesAt: number; uses: number }>();
/** At most this many requests per shared deadline (each fetch adds an abort listener to it). */
const SHARED_USES = 200;
let timersUnref: boolean | undefined;

/**
 * An abort signal that fires `timeout` ms after the request starts.
 *
 * Where timers are Node-style objects that can be unref'd (Node, Bun), requests that start
 * within the same short window (timeout/32, at most 100 ms) share one AbortController and one
 * unref'd timer, which fires `timeout + window` ms after the window opened: each request then
 * times out after between `timeout` and `timeout + window` ms. An AbortController per request
 * costs more CPU than the rest of the request handling; shared ones are made a few times a
 * second at most (and serve at most 200 requests each). Elsewhere (browsers, workers, Deno's
 * web timers) each request gets its own controller and timer, cleared when the body is in.
 */
function timeoutSignal(timeout: number): Deadline {
  const now = performance.now();
  const current = shared.get(timeout);
  if (current && now < current.closesAt && ++current.uses <= SHARED_USES) return { signal: current.controller.signal, done: noop };
  const controller = new AbortController();
  if (timersUnref !== false) {
    const window = Math.max(1, Math.min(100, Math.floor(timeout / 32)));
    const timer = setTimeout(() => controller.abort(timeoutError()), timeout + window) as unknown as { unref?: () => void };
    timersUnref = typeof timer?.unref === 'function';
    if (timersUnref) {
      timer.unref!();
      shared.set(timeout, { controller, closesAt: now + window, uses: 1 });
      return { signal: controller.signal, done: noop };
    }
    clearTimeout(timer as unknown as ReturnType<typeof setTimeout>);
  }
  const timer = setTimeout(() => controller.abort(timeoutError()), timeout);
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}

/**
 * The body as text, as `response.text()` gives it (UTF-8, BOM dropped), read straight from the
 * body stream into one shared TextDecoder: about half the CPU of text() in undici (Node's fetch).
 */
async function readText(response: Response): Promise<string> {
  const body = response.body;
  if (!body || typeof body.getReader !== 'function') return response.text();
  const reader = body.getReader();
  let first: Uint8Array | undefined;
  let chunks: Uint8Array[] | undefined;
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new TypeError('the response body stream gave something else than bytes');
    length += value.length;
    if (!first) first = value;
    else (chunks ??= [first]).push(value);
  }
  if (!first) return '';
  if (!chunks) return decoder.decode(first);
  const all = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return decoder.decode(all);
}

/** What to check, per OAuth error code. */
const HINTS: Record<string, string> = {
  invalid_grant:
    'The code is single use and expires within minutes; redirectUri and codeVerifier must be the ones used for this authorization request.',
  invalid_client: 'Check clientId and clientSecret, and that hostname points at the provider the client is registered with.',
  invalid_request: 'The request is missing a parameter or has a malformed one: see error_description.',
  unsupported_grant_type: 'Only grant_type=authorization_code is supported.',
  invalid_token: 'The access token is unknown, expired or revoked: use the accessToken from the callback() of this login, promptly.',
  invalid_scope: 'Request only scopes your client is registered for, including openid.',
};

function describe(error: string, description: string | undefined): string {
  return description ? `${error} (${description})` : error;
}

/** Parses `Bearer error="…", error_description="…"`. */
function parseWwwAuthenticate(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const m of header.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  return out;
}

/**
 * Sends a request and returns the parsed JSON body of a 200 response.
 * @param what Names the endpoint in messages ("token", "userinfo", "jwks").
 * @param init A fresh object per call: its `signal` is set here (the request's deadline).
 */
export async function requestJson(
  http: HttpOptions,
  what: string,
  url: string,
  init: RequestInit,
  bearer = false,
): Promise<unknown> {
  // The timeout covers the request and the body (see timeoutSignal).
  const deadline = http.timeout > 0 ? timeoutSignal(http.timeout) : undefined;
  let response: Response;
  let text: string;
  try {
    try {
      if (deadline) init.signal = deadline.signal; // init is the caller's own fresh object
      response = await http.fetch(url, init);
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw new SgidResponseError(
        'ERR_NETWORK',
        timedOut
          ? `outgoing request timed out after ${http.timeout}ms (${what}: ${url})`
          : `${what} request to ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        'Check that hostname is the provider origin and that it can be reached from this server (DNS, proxy, firewall).',
        { cause },
      );
    }
    try {
      text = await readText(response);
    } catch (cause) {
      throw new SgidResponseError('ERR_NETWORK', `${what} response from ${url} was cut off`, 'Retry; check the network between this server and the provider.', {
        status: response.status,
        cause,
      });
    }
  } finally {
    deadline?.done();
  }
  let body: unknown;
  let parsed = false;
  try {
    body = JSON.parse(text);
    parsed = true;
  } catch {
    // handled below
  }
  if (response.status !== 200) {
    let error: string | undefined;
    let description: string | undefined;
    if (parsed && body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string') {
      error = (body as { error: string }).error;
      const d = (body as { error_description?: unknown }).error_description;
      description = typeof d === 'string' ? d : undefined;
    }
    if (bearer || !error) {
      const params = parseWwwAuthenticate(response.headers.get('www-authenticate'));
      if (params.error) {
        error = params.error;
        description = params.error_description;
      }
    }
    if (error) {
      throw new SgidResponseError('ERR_OAUTH_RESPONSE', describe(error, description), HINTS[error] ?? `The provider refused the ${what} request: see error and errorDescription.`, {
        error,
        errorDescription: description,
        status: response.status,
      });
    }
    throw new SgidResponseError(
      'ERR_UNEXPECTED_RESPONSE',
      `expected 200 OK, got: ${response.status} ${response.statusText} (${what}: ${url})`,
      'Check that hostname is the sgID provider origin (the SDK calls <origin>/v2/oauth/…).',
      { status: response.status },
    );
  }
  if (!parsed || body === null || typeof body !== 'object') {
    throw new SgidResponseError(
      'ERR_UNEXPECTED_RESPONSE',
      `expected a JSON object from the ${what} endpoint (${url})`,
      'Check that hostname is the sgID provider origin and not, say, a login page or a proxy.',
      { status: response.status },
    );
  }
  return body;
}
