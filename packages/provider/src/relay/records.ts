/** The short-lived records of a login, as kept in the store. Only ciphertext of personal data. */
import type { EncryptedUserinfo } from 'sgid-protocol';

/** What the wallet hands the relay when a person approves: pairwise sub + ciphertext. */
export interface Grant {
  sub: string;
  /** Absent when only `openid` was requested. */
  encrypted?: EncryptedUserinfo;
}

/** An authorize request waiting for the wallet (keyed by its id, which the QR code carries). */
export interface LoginRecord {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  nonce?: string;
  state?: string;
  /** storageKey() of the secret that only the browser which started the login holds. */
  pollHash: string;
  /** The original authorize query string, to offer a restart when the login expires. */
  authorizeQuery: string;
  status: 'pending' | 'approved' | 'declined';
  grant?: Grant;
  expiresAt: number;
}

/** An authorization code (keyed by storageKey(code)): bound to client, redirect URI and challenge. */
export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  scopes: string[];
  grant: Grant;
}

/** An access token (keyed by storageKey(token)). */
export interface TokenRecord {
  clientId: string;
  scopes: string[];
  grant: Grant;
  expiresAt: number;
}

/** Left behind by a redeemed code (keyed by storageKey(code)), to revoke its token on reuse. */
export interface UsedCodeRecord {
  tokenKey: string;
}
