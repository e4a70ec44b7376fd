/**
 * The parameters of a pushed authorization request (RFC 9126) as Singpass defines them
 * (SINGPASS.md §1b PAR, §4.6): pure checks against the authenticated client, each throwing
 * the OAuth error Singpass answers with and a description that says what to fix.
 */
import {
  AUTHENTICATION_CONTEXT_MESSAGE_PATTERN,
  AUTHENTICATION_CONTEXT_TYPES,
  OAuthError,
  REDIRECT_URI_HTTPS_TYPES,
  SINGPASS_NONCE_MAX,
  SINGPASS_STATE_PATTERN,
  invalidRequest,
  invalidScope,
  parseScopeString,
} from 'sgid-protocol';
import { optionalParam, requiredParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';
import type { SingpassClientRecord } from '../../store/types.js';

/** What a pushed request becomes once checked: stored under its request_uri for 60 s. */
export interface PushedRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  nonce: string;
  codeChallenge: string;
  /** acr_values in the client's order of preference (only whitelisted ones). */
  acrValues: string[];
  authenticationContextType?: string;
  authenticationContextMessage?: string;
}

const bad = (d: string) => invalidRequest(d, false);

/** An S256 code challenge: BASE64URL(SHA-256(verifier)), always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** A `dpop_jkt`: BASE64URL(SHA-256(JWK thumbprint input)), 43 characters. */
export const JKT_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Exact match against the registration: no normalisation of any kind. */
export function checkSingpassRedirectUri(client: SingpassClientRecord, uri: string): void {
  if (!client.redirectUris.includes(uri)) {
    throw bad(
      `redirect_uri "${uri}" is not registered for client "${client.id}". Registered: ${client.redirectUris.map((u) => `"${u}"`).join(', ')}. It must match one exactly.`,
    );
  }
}

export function checkParParams(params: Params, client: SingpassClientRecord): PushedRequest {
  // Request objects and nested request URIs are not part of Singpass's profile (RFC 9126 §2.1).
  if (params['request'] !== undefined) throw bad('"request" (a request object, JAR) is not supported: send the parameters in the form');
  if (params['request_uri'] !== undefined) throw bad('"request_uri" cannot be pushed: it is what PAR returns');

  const responseType = requiredParam(params, 'response_type', false);
  if (responseType !== 'code') throw new OAuthError('unsupported_response_type', `response_type must be "code", not "${responseType}"`);

  const redirectUri = requiredParam(params, 'redirect_uri', false);
  checkSingpassRedirectUri(client, redirectUri);

  const scopes = parseScopeString(requiredParam(params, 'scope', false));
  if (!scopes.includes('openid')) throw invalidScope('scope must include "openid"');
  const notAllowed = scopes.filter((s) => !client.scopes.includes(s));
  if (notAllowed.length > 0) {
    throw invalidScope(`client "${client.id}" may not request ${notAllowed.join(', ')}; its registered scopes are: ${client.scopes.join(' ')}`);
  }

  const state = requiredParam(params, 'state', false);
  if (!SINGPASS_STATE_PATTERN.test(state)) {
    throw bad(`state must be 1 to 255 characters of A-Z a-z 0-9 / + _ - = . (a UUID is ideal); got ${state.length} characters${state.length <= 255 ? ' with others' : ''}`);
  }
  const nonce = requiredParam(params, 'nonce', false);
  if (nonce.length > SINGPASS_NONCE_MAX) throw bad(`nonce is ${nonce.length} characters long; at most ${SINGPASS_NONCE_MAX}`);

  const challenge = optionalParam(params, 'code_challenge', false);
  const method = optionalParam(params, 'code_challenge_method', false);
  if (!challenge) throw bad('code_challenge is missing: Singpass requires PKCE (S256)');
  if (method !== 'S256') throw bad(method ? `code_challenge_method "${method}" is not supported: use "S256"` : 'code_challenge_method is missing: it must be "S256"');
  if (!S256_CHALLENGE.test(challenge)) throw bad('code_challenge must be BASE64URL(SHA-256(code_verifier)): 43 characters of A-Z a-z 0-9 - _');

  const acr = optionalParam(params, 'acr_values', false);
  const acrValues = acr === undefined ? [] : parseScopeString(acr);
  const notWhitelisted = acrValues.filter((a) => !client.acrValues.includes(a));
  if (notWhitelisted.length > 0) {
    throw bad(
      `acr_values ${notWhitelisted.join(' ')} ${notWhitelisted.length > 1 ? 'are' : 'is'} not whitelisted for this client` +
        (client.acrValues.length > 0 ? ` (it may ask for ${client.acrValues.join(' ')})` : ' (register with --acr-values to ask for a level of assurance)'),
    );
  }

  const contextType = optionalParam(params, 'authentication_context_type', false);
  const contextMessage = optionalParam(params, 'authentication_context_message', false);
  if (client.appType === 'myinfo') {
    if (contextType !== undefined || contextMessage !== undefined) {
      throw bad('authentication_context_type and authentication_context_message can only be provided for Login apps; this is a Myinfo app');
    }
  } else {
    if (contextType === undefined || contextType === '') {
      throw bad('authentication_context_type is missing: Login apps must say what the user is authenticating for (e.g. APP_AUTHENTICATION_DEFAULT)');
    }
    if (!(AUTHENTICATION_CONTEXT_TYPES as readonly string[]).includes(contextType)) {
      throw bad(`authentication_context_type "${contextType}" is not one of Singpass's values (e.g. APP_AUTHENTICATION_DEFAULT, APP_PAYMENT_DEFAULT)`);
    }
    if (contextMessage !== undefined && !AUTHENTICATION_CONTEXT_MESSAGE_PATTERN.test(contextMessage)) {
      throw bad(`authentication_context_message must be 1 to 100 characters of A-Z a-z 0-9 space . , - @ ' ! ( ); got ${contextMessage.length} characters`);
    }
  }

  const httpsType = optionalParam(params, 'redirect_uri_https_type', false);
  if (httpsType !== undefined && !(REDIRECT_URI_HTTPS_TYPES as readonly string[]).includes(httpsType)) {
    throw bad(`redirect_uri_https_type must be ${REDIRECT_URI_HTTPS_TYPES.map((t) => `"${t}"`).join(' or ')}, not "${httpsType}"`);
  }
  const launch = optionalParam(params, 'app_launch_url', false);
  if (launch !== undefined) {
    let ok = false;
    try {
      ok = new URL(launch).protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) throw bad('app_launch_url must be an https URL (an iOS App Link)');
  }

  return {
    clientId: client.id,
    redirectUri,
    scopes,
    state,
    nonce,
    codeChallenge: challenge,
    acrValues,
    ...(contextType !== undefined ? { authenticationContextType: contextType } : {}),
    ...(contextMessage !== undefined ? { authenticationContextMessage: contextMessage } : {}),
  };
}

/** `dpop_jkt` from the form, when sent: a thumbprint's shape. */
export function readDpopJkt(params: Params): string | undefined {
  const jkt = optionalParam(params, 'dpop_jkt', false);
  if (jkt !== undefined && !JKT_PATTERN.test(jkt)) throw bad('dpop_jkt must be the base64url SHA-256 JWK thumbprint of your DPoP key (43 characters)');
  return jkt;
}
