/**
 * The protocol checks, as pure functions: each returns the checked value or throws an
 * OAuthError whose description tells the developer what to fix.
 */
import {
  OAuthError,
  getScope,
  invalidGrant,
  invalidRequest,
  invalidScope,
  isPkceString,
  parseScopeString,
  unsupportedResponseType,
} from 'sgid-protocol';
import { createHash } from 'node:crypto';
import type { ClientRecord } from '../store/types.js';

export { checkFormBody, optionalParam, requiredParam } from '../oauth/params.js';
export type { Params } from '../oauth/params.js';
import type { Params } from '../oauth/params.js';

/** Redirect URIs are compared byte for byte with the registered ones: no normalisation. */
export function checkRedirectUri(client: ClientRecord, uri: string): string {
  if (!client.redirectUris.includes(uri)) {
    throw new OAuthError(
      'invalid_request',
      `redirect_uri "${uri}" is not registered for client "${client.id}". Registered: ${client.redirectUris
        .map((u) => `"${u}"`)
        .join(', ')}. It must match one of them exactly (scheme, host, port, path, trailing slash and query).`,
    );
  }
  return uri;
}

export function checkResponseType(value: string): void {
  if (value !== 'code') {
    throw unsupportedResponseType(`response_type "${value}" is not supported: sgID supports only "code" (authorization code flow)`);
  }
}

/** Scopes must be known, include `openid`, and be within the client's registration. */
export function checkScopes(client: ClientRecord, scope: string): string[] {
  const scopes = parseScopeString(scope);
  const unknown = scopes.filter((s) => !getScope(s));
  if (unknown.length > 0) throw invalidScope(`unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (!scopes.includes('openid')) throw invalidScope('scope must include "openid"');
  const notAllowed = scopes.filter((s) => !client.scopes.includes(s));
  if (notAllowed.length > 0) {
    throw invalidScope(
      `client "${client.id}" is not registered for ${notAllowed.join(', ')}; its scopes are: ${client.scopes.join(' ')}`,
    );
  }
  return scopes;
}

export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined || challenge === '') {
    throw invalidRequest('code_challenge is missing: sgID requires PKCE (code_challenge with code_challenge_method=S256)');
  }
  if (method === undefined || method === '') {
    throw invalidRequest('code_challenge_method is missing: it must be "S256" (the default "plain" is not accepted)');
  }
  if (method !== 'S256') throw invalidRequest(`code_challenge_method "${method}" is not supported: use "S256"`);
  if (!isPkceString(challenge)) {
    throw invalidRequest('code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~] (BASE64URL(SHA256(code_verifier)))');
  }
  return challenge;
}

/**
 * RFC 7636 §4.6: BASE64URL(SHA256(verifier)) must equal the challenge sent at authorize.
 * Hashed with node:crypto: on Node 20 a WebCrypto digest costs ~100 µs of thread-pool hand-off,
 * more than the hash itself.
 */
export function checkCodeVerifier(verifier: string, challenge: string): void {
  if (!isPkceString(verifier)) {
    throw invalidGrant(
      `code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]; this one has ${[...verifier].length} characters${
        /^[\x20-\x7e]*$/.test(verifier) ? '' : ' including characters outside that set'
      }`,
    );
  }
  if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== challenge) {
    throw invalidGrant('code_verifier does not match the code_challenge sent to authorize (expected BASE64URL(SHA256(code_verifier)))');
  }
}

/** Short values that appear on pages and in redirects are bounded so no one stores megabytes. */
export function checkLength(name: string, value: string | undefined, max: number, redirectable = true): void {
  if (value !== undefined && value.length > max) {
    throw invalidRequest(`"${name}" is ${value.length} characters long; at most ${max} are accepted`, redirectable);
  }
}
