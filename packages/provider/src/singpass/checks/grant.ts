/** The token request's own parameters, as Singpass checks them: pure. */
import { createHash } from 'node:crypto';
import { invalidGrant, invalidRequest, unsupportedGrantType } from 'sgid-protocol';
import { requiredParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';

/**
 * Singpass's code verifier: 43–128 characters of A-Z a-z 0-9 - _ (its docs; RFC 7636 also allows
 * "." and "~", which Singpass's documentation excludes — refused here, as the docs say).
 */
export const SINGPASS_VERIFIER = /^[A-Za-z0-9_-]{43,128}$/;

export interface TokenParams {
  code: string;
  redirectUri: string;
  codeVerifier?: string;
}

export function checkGrantType(params: Params): void {
  const grantType = requiredParam(params, 'grant_type', false);
  if (grantType !== 'authorization_code') {
    throw unsupportedGrantType(`grant_type "${grantType}" is not supported: Singpass supports only "authorization_code"`);
  }
}

export function readTokenParams(params: Params, pkceRequired: boolean): TokenParams {
  const code = requiredParam(params, 'code', false);
  const redirectUri = requiredParam(params, 'redirect_uri', false);
  const verifier = params['code_verifier'];
  if (verifier === undefined || verifier === '') {
    if (pkceRequired) throw invalidRequest('code_verifier is missing: Singpass requires PKCE; send the verifier whose S256 challenge you pushed', false);
    return { code, redirectUri };
  }
  return { code, redirectUri, codeVerifier: requiredParam(params, 'code_verifier', false) };
}

/** BASE64URL(SHA-256(verifier)) must be the challenge of the authorization request. */
export function checkSingpassVerifier(verifier: string | undefined, challenge: string | undefined): void {
  if (challenge === undefined) {
    if (verifier !== undefined) throw invalidGrant('code_verifier was sent, but the authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw invalidRequest('code_verifier is missing: the authorization request had a code_challenge', false);
  if (!SINGPASS_VERIFIER.test(verifier)) {
    throw invalidGrant(`code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - _ (Singpass's rule); this one has ${[...verifier].length} characters${/^[A-Za-z0-9_-]*$/.test(verifier) ? '' : ' including others'}`);
  }
  if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== challenge) {
    throw invalidGrant('code_verifier does not match the code_challenge of the authorization request (expected BASE64URL(SHA-256(code_verifier)))');
  }
}
