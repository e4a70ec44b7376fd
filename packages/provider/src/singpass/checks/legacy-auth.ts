/**
 * The legacy (NDI OIDC) authorization request, browser GET (SINGPASS.md §1a): pure checks of
 * its parameters once the client and redirect URI are known. PKCE is marked mandatory there,
 * and is required here.
 */
import {
  OAuthError,
  REDIRECT_URI_HTTPS_TYPES,
  SINGPASS_NONCE_MAX,
  SINGPASS_STATE_PATTERN,
  invalidRequest,
  invalidScope,
  parseScopeString,
  unsupportedResponseType,
} from 'sgid-protocol';
import { optionalParam, requiredParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';
import type { SingpassClientRecord } from '../../store/types.js';

export interface LegacyRequest {
  scopes: string[];
  state?: string;
  nonce: string;
  codeChallenge: string;
  acrValues: string[];
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Errors from here may go back to the (registered) redirect URI with the state. */
export function checkLegacyAuthParams(params: Params, client: SingpassClientRecord): LegacyRequest {
  const responseType = requiredParam(params, 'response_type');
  if (responseType !== 'code') throw unsupportedResponseType(`response_type must be "code", not "${responseType}"`);
  const scopes = parseScopeString(requiredParam(params, 'scope'));
  if (!scopes.includes('openid')) throw invalidScope('scope must include "openid"');
  const notAllowed = scopes.filter((s) => !client.scopes.includes(s));
  if (notAllowed.length > 0) throw invalidScope(`client "${client.id}" may not request ${notAllowed.join(', ')}; its registered scopes are: ${client.scopes.join(' ')}`);
  const state = optionalParam(params, 'state');
  if (state !== undefined && !SINGPASS_STATE_PATTERN.test(state)) throw invalidRequest('state must be 1 to 255 characters of A-Z a-z 0-9 / + _ - = .');
  const nonce = requiredParam(params, 'nonce');
  if (nonce.length > SINGPASS_NONCE_MAX) throw invalidRequest(`nonce is ${nonce.length} characters long; at most ${SINGPASS_NONCE_MAX}`);
  const challenge = optionalParam(params, 'code_challenge');
  const method = optionalParam(params, 'code_challenge_method');
  if (!challenge) throw invalidRequest('code_challenge is missing: Singpass requires PKCE (S256)');
  if (method !== 'S256') throw invalidRequest(method ? `code_challenge_method "${method}" is not supported: use "S256"` : 'code_challenge_method is missing: it must be "S256"');
  if (!S256_CHALLENGE.test(challenge)) throw invalidRequest('code_challenge must be BASE64URL(SHA-256(code_verifier)): 43 characters of A-Z a-z 0-9 - _');
  const httpsType = optionalParam(params, 'redirect_uri_https_type');
  if (httpsType !== undefined && !(REDIRECT_URI_HTTPS_TYPES as readonly string[]).includes(httpsType)) {
    throw invalidRequest(`redirect_uri_https_type must be ${REDIRECT_URI_HTTPS_TYPES.map((t) => `"${t}"`).join(' or ')}`);
  }
  const acr = optionalParam(params, 'acr_values');
  const acrValues = acr === undefined ? [] : parseScopeString(acr);
  const notWhitelisted = acrValues.filter((a) => !client.acrValues.includes(a));
  if (notWhitelisted.length > 0) throw invalidRequest(`acr_values ${notWhitelisted.join(' ')} not whitelisted for this client`);
  if (params['request'] !== undefined || params['request_uri'] !== undefined) {
    throw new OAuthError('invalid_request', 'request objects ("request", "request_uri") belong to the FAPI 2.0 flow (PAR), not the legacy one', { redirectable: true });
  }
  return { scopes, ...(state !== undefined ? { state } : {}), nonce, codeChallenge: challenge, acrValues };
}
