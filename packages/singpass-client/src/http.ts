/**
 * How the SDK reaches Singpass: `fetch` with a timeout per request, bounded retries with
 * exponential backoff for the failures Singpass tells relying parties to retry
 * (`server_error`, `temporarily_unavailable`, 5xx, network errors), and one place that turns
 * oauth4webapi's errors into {@link SingpassResponseError}s with a hint.
 */
import * as oauth from 'oauth4webapi';
import { SingpassConfigError, SingpassError, SingpassResponseError } from './errors.js';

/** Retry policy for requests to Singpass. */
export interface RetryOptions {
  /** Attempts per request, the first included. Default 3. 1 disables retries. */
  attempts?: number;
  /** Delay before the first retry, in ms; doubled before each next one (± 20 % jitter). Default 250. */
  baseDelayMs?: number;
  /** The longest wait honoured from a `Retry-After` header, in ms. Default 5000. */
  maxDelayMs?: number;
}

/** The transport settings of one client. */
export interface Transport {
  fetch: typeof fetch;
  /** Milliseconds per request, body included; 0 disables the timeout. */
  timeout: number;
  retry: Required<RetryOptions>;
}

/** Names the request in messages and errors. */
export type Endpoint = 'discovery' | 'jwks' | 'par' | 'token' | 'userinfo';

/** What to check, per OAuth error code Singpass uses (SINGPASS.md §1b). */
const HINTS: Record<string, string> = {
  invalid_client:
    'Singpass could not authenticate your client: check clientId, that the JWKS URL registered for it serves client.jwks() over HTTPS and is reachable from Singpass, and that the clocks agree (client assertions live 2 minutes).',
  invalid_grant:
    'The code is single use and lives 60 seconds; redirectUri must be the one of the login, and the same DPoP key and PKCE verifier must be used (pass the session from authorizationUrl unchanged).',
  invalid_request: 'A parameter is missing or malformed: see errorDescription.',
  invalid_scope: 'Request only scopes your client is registered for, always with openid.',
  invalid_dpop_proof: 'The DPoP proof was refused: check this server’s clock, and that the session’s DPoP key is the one the login started with.',
  use_dpop_nonce: 'Singpass asked for a DPoP nonce twice in a row: retry the login.',
  invalid_token: 'The access token is unknown, expired (it lives 30 minutes) or was not bound to this DPoP key: call userinfo right after callback, with the same tokens.',
  unsupported_grant_type: 'Only grant_type=authorization_code is supported.',
  server_error: 'Singpass failed to handle the request (retried already): try again later.',
  temporarily_unavailable: 'Singpass is temporarily unavailable (retried already): try again later.',
  access_denied: 'The user declined or cancelled in the Singpass app: offer to log in again.',
};

/** The hint for an OAuth `error` from `endpoint`. */
export function hintFor(error: string, endpoint: Endpoint): string {
  return HINTS[error] ?? `Singpass refused the ${endpoint} request: see error and errorDescription.`;
}

function describe(error: string, description: string | undefined): string {
  return description ? `${error} (${description})` : error;
}

/** Whether `hostname` is this machine: localhost, *.localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** The deadline signal shared by requests that start within the same short window. */
let shared: { timeout: number; signal: AbortSignal; closesAt: number; uses: number } | undefined;

/**
 * An abort signal that fires between `timeout` and `timeout` + 100 ms after the request starts.
 * Requests starting within one window (timeout/32, at most 100 ms; at most 100 requests) share
 * one `AbortSignal.timeout` (an unref'd timer): one per request costs more CPU than the rest of
 * the request's own handling here.
 */
function deadline(timeout: number): AbortSignal {
  const now = performance.now();
  if (shared && shared.timeout === timeout && now < shared.closesAt && ++shared.uses <= 100) return shared.signal;
  const window = Math.max(1, Math.min(100, Math.floor(timeout / 32)));
  shared = { timeout, signal: AbortSignal.timeout(timeout + window), closesAt: now + window, uses: 1 };
  return shared.signal;
}

/** A `fetch` with the transport's timeout; a failure to connect or a timeout becomes `ERR_NETWORK`. */
export function transportFetch(t: Transport, endpoint: Endpoint): (url: string, init: RequestInit) => Promise<Response> {
  return async (url, init) => {
    try {
      return await t.fetch(url, t.timeout > 0 ? { ...init, signal: deadline(t.timeout) } : init);
    } catch (cause) {
      const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw new SingpassResponseError(
        'ERR_NETWORK',
        timedOut ? `${endpoint} request timed out after ${t.timeout} ms (${url})` : `${endpoint} request to ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        'Check that the issuer URL is right and that Singpass can be reached from this server (DNS, proxy, firewall).',
        { endpoint, cause },
      );
    }
  };
}

/** The OAuth `error` and `error_description` of a WWW-Authenticate challenge error, if any. */
function challengeError(err: oauth.WWWAuthenticateChallengeError): { error?: string; description?: string } {
  for (const c of err.cause) {
    if (typeof c.parameters.error === 'string') return { error: c.parameters.error, description: c.parameters.error_description };
  }
  return {};
}

/** The OAuth error in a response body oauth4webapi did not read (it reads 4xx bodies only). */
async function bodyError(response: Response | undefined): Promise<{ error: string; description?: string } | undefined> {
  if (!response || response.bodyUsed) return undefined;
  try {
    const body = JSON.parse(await response.text()) as { error?: unknown; error_description?: unknown };
    if (typeof body?.error !== 'string' || body.error === '') return undefined;
    return { error: body.error, ...(typeof body.error_description === 'string' ? { description: body.error_description } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Turns what oauth4webapi throws for a request/response pair into a {@link SingpassError}.
 * Errors that are already ours pass through.
 */
export async function responseError(err: unknown, endpoint: Endpoint): Promise<SingpassError> {
  if (err instanceof SingpassError) return err;
  if (err instanceof oauth.ResponseBodyError) {
    return new SingpassResponseError('ERR_OAUTH_RESPONSE', describe(err.error, err.error_description), hintFor(err.error, endpoint), {
      error: err.error,
      errorDescription: err.error_description,
      status: err.status,
      endpoint,
      cause: err,
    });
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    const { error, description } = challengeError(err);
    if (error) {
      return new SingpassResponseError('ERR_OAUTH_RESPONSE', describe(error, description), hintFor(error, endpoint), {
        error,
        errorDescription: description,
        status: err.status,
        endpoint,
        cause: err,
      });
    }
    return new SingpassResponseError('ERR_UNEXPECTED_RESPONSE', `${endpoint}: ${err.status} with a WWW-Authenticate challenge and no error code`, 'Check that the issuer URL points at Singpass.', {
      status: err.status,
      endpoint,
      cause: err,
    });
  }
  if (err instanceof oauth.OperationProcessingError) {
    if (err.code === oauth.HTTP_REQUEST_FORBIDDEN || err.code === oauth.REQUEST_PROTOCOL_FORBIDDEN) {
      return new SingpassConfigError(
        'ERR_INSECURE_ISSUER',
        `${endpoint}: ${err.message}`,
        'Singpass endpoints are HTTPS. For a local provider on this machine over http://, set allowHttpLoopback: true.',
        { cause: err },
      );
    }
    const response = err.cause instanceof Response ? err.cause : undefined;
    const status = response?.status;
    const inBody = status !== undefined && status >= 500 ? await bodyError(response) : undefined;
    if (inBody) {
      return new SingpassResponseError('ERR_OAUTH_RESPONSE', describe(inBody.error, inBody.description), hintFor(inBody.error, endpoint), {
        error: inBody.error,
        errorDescription: inBody.description,
        status,
        endpoint,
        cause: err,
      });
    }
    return new SingpassResponseError(
      'ERR_UNEXPECTED_RESPONSE',
      status !== undefined ? `${endpoint}: unexpected HTTP status ${status}` : `${endpoint}: ${err.message}`,
      'Check that the issuer URL points at Singpass (or a FAPI 2.0 provider like it), not a login page or a proxy.',
      { endpoint, cause: err, ...(status !== undefined ? { status } : {}) },
    );
  }
  if (err instanceof oauth.UnsupportedOperationError) {
    return new SingpassResponseError('ERR_UNEXPECTED_RESPONSE', `${endpoint}: ${err.message}`, 'Check that the issuer URL points at Singpass FAPI 2.0.', { endpoint, cause: err });
  }
  if (err instanceof TypeError && typeof (err as { code?: unknown }).code === 'string') {
    return new SingpassConfigError('ERR_INVALID_ARGUMENT', `${endpoint}: ${err.message}`, 'Check the arguments of the call.', { cause: err });
  }
  return new SingpassResponseError('ERR_UNEXPECTED_RESPONSE', `${endpoint}: ${err instanceof Error ? err.message : String(err)}`, 'See the cause.', { endpoint, cause: err });
}

const RETRYABLE_ERRORS = new Set(['server_error', 'temporarily_unavailable']);

/** Whether a failed request may be sent again. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof SingpassResponseError)) return false;
  if (err.code === 'ERR_NETWORK') return true;
  if (err.error !== undefined) return RETRYABLE_ERRORS.has(err.error);
  return err.code === 'ERR_UNEXPECTED_RESPONSE' && err.status !== undefined && err.status >= 500;
}

/** The Response of a failed request: oauth4webapi keeps it on its errors (`response`, or `cause`). */
function failedResponse(err: SingpassResponseError): Response | undefined {
  const cause = err.cause as { response?: unknown; cause?: unknown } | undefined;
  const response = cause?.response ?? cause?.cause;
  return response instanceof Response ? response : undefined;
}

/** `Retry-After` in ms, when the failed response carried one in seconds. */
function retryAfterMs(err: unknown): number | undefined {
  const value = err instanceof SingpassResponseError ? failedResponse(err)?.headers.get('retry-after') : undefined;
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` up to `retry.attempts` times while it fails with a retryable error, waiting
 * `baseDelayMs` × 2^(n−1) (± 20 %) between attempts, or what `Retry-After` asks when that is
 * no longer than `maxDelayMs` (a longer one ends the retries).
 */
export async function withRetries<T>(t: Transport, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= t.retry.attempts || !isRetryable(err)) throw err;
      const asked = retryAfterMs(err);
      if (asked !== undefined && asked > t.retry.maxDelayMs) throw err;
      const backoff = t.retry.baseDelayMs * 2 ** (n - 1) * (0.8 + Math.random() * 0.4);
      await sleep(asked ?? backoff);
    }
  }
}
