/**
 * Web `Response` helpers: the JWKS to publish, and the default answer to a failed login.
 */
import type { SingpassClient } from '../client.js';
import { SingpassError } from '../errors.js';

/**
 * Your public JWKS as a Web `Response` (`application/json`, cacheable for 5 minutes), for the
 * JWKS URL registered with Singpass. Singpass caches it for an hour: publish a new encryption
 * key an hour before it may be used, and keep old ones an hour after.
 */
export function jwksResponse(client: Pick<SingpassClient, 'jwks'>): Response {
  return new Response(JSON.stringify(client.jwks()), {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' },
  });
}

/**
 * The text of the default error page: the error code and what to do, never text that came from
 * the redirect (an attacker can put anything in `error_description`).
 */
export function loginErrorText(error: SingpassError): string {
  return `Login failed (${error.code}).\n${error.hint}\n`;
}

/** The default answer to a failed login: 400 with {@link loginErrorText} for SDK errors; others are rethrown. */
export function loginErrorResponse(error: unknown): Response {
  if (!(error instanceof SingpassError)) throw error;
  return new Response(loginErrorText(error), { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
