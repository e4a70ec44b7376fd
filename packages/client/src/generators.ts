/**
 * PKCE and nonce generators, with the official SDK's signatures (synchronous) and errors.
 * Randomness from `crypto.getRandomValues`; hashing with a small synchronous SHA-256.
 */
import { base64url } from 'sgid-protocol';
import { SgidConfigError, MESSAGES } from './errors.js';
import { sha256 } from './sha256.js';

function randomBase64url(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function checkLength(length: number, message: string, code: 'ERR_CODE_VERIFIER_LENGTH' | 'ERR_PKCE_PAIR_LENGTH'): void {
  if (!(length >= 43 && length <= 128)) {
    throw new SgidConfigError(code, message, 'Use a length between 43 and 128 (RFC 7636 §4.1), or leave it out for 43.');
  }
}

/**
 * Generates a PKCE pair: a random code verifier and its S256 code challenge.
 * Store `codeVerifier` for the callback; send `codeChallenge` to `authorizationUrl`.
 * @param length Length of the code verifier, 43–128 (default 43).
 * @returns `{ codeVerifier, codeChallenge }`
 * @throws {SgidConfigError} `ERR_PKCE_PAIR_LENGTH` when `length` is outside 43–128.
 */
export function generatePkcePair(length = 43): { codeVerifier: string; codeChallenge: string } {
  checkLength(length, MESSAGES.PKCE_PAIR_LENGTH, 'ERR_PKCE_PAIR_LENGTH');
  const codeVerifier = generateCodeVerifier(length);
  return { codeVerifier, codeChallenge: generateCodeChallenge(codeVerifier) };
}

/**
 * Generates a random code verifier (base64url characters) for PKCE.
 * @param length Length of the verifier, 43–128 (default 43).
 * @throws {SgidConfigError} `ERR_CODE_VERIFIER_LENGTH` when `length` is outside 43–128.
 */
export function generateCodeVerifier(length = 43): string {
  checkLength(length, MESSAGES.CODE_VERIFIER_LENGTH, 'ERR_CODE_VERIFIER_LENGTH');
  // 96 random bytes give 128 base64url characters; a prefix of a random string is still random.
  return randomBase64url(96).slice(0, length);
}

/**
 * Computes the S256 code challenge of a code verifier: BASE64URL(SHA-256(verifier)).
 * @param codeVerifier The code verifier.
 */
export function generateCodeChallenge(codeVerifier: string): string {
  return base64url(sha256(codeVerifier));
}

/**
 * Generates a random nonce (base64url) for the authorization request.
 * @param numBytes Number of random bytes (default 32, giving 43 characters).
 */
export function generateNonce(numBytes = 32): string {
  return randomBase64url(numBytes);
}
