/** Redirects back to a client's registered redirect URI, for every protocol. */
import type { OAuthError } from 'sgid-protocol';

/** Adds parameters to a registered redirect URI, keeping any query it already has. */
export function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** RFC 6749 §4.1.2.1: the error, its description and the state, on the redirect URI. */
export function errorRedirect(redirectUri: string, err: OAuthError, state: string | undefined): string {
  return redirectTo(redirectUri, { error: err.error, error_description: err.message, state });
}
