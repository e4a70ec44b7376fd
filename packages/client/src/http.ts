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
 */
export async function requestJson(
  http: HttpOptions,
  what: string,
  url: string,
  init: RequestInit,
  bearer = false,
): Promise<unknown> {
  let response: Response;
  try {
    response = await http.fetch(url, http.timeout > 0 ? { ...init, signal: AbortSignal.timeout(http.timeout) } : init);
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
  let text: string;
  try {
    text = await response.text();
  } catch (cause) {
    throw new SgidResponseError('ERR_NETWORK', `${what} response from ${url} was cut off`, 'Retry; check the network between this server and the provider.', {
      status: response.status,
      cause,
    });
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
