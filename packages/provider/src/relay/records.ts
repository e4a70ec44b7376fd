/**
 * The relay's short-lived records after a login was answered: codes and access tokens. Only
 * ciphertext of personal data. (The login in flight and its grant live in ../login/.)
 */
import type { Grant } from '../login/records.js';

/** An authorization code (keyed by storageKey(code)): bound to client, redirect URI and challenge. */
export interface CodeRecord {
  clientId: string;
  /** The login inspector's trace id of the login. */
  trace?: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  scopes: string[];
  grant: Grant;
}

/** An access token (keyed by storageKey(token)). */
export interface TokenRecord {
  clientId: string;
  /** The login inspector's trace id of the login. */
  trace?: string;
  scopes: string[];
  grant: Grant;
  expiresAt: number;
}

/** Left behind by a redeemed code (keyed by storageKey(code)), to revoke its token on reuse. */
export interface UsedCodeRecord {
  tokenKey: string;
}
