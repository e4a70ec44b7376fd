/** The Singpass endpoints' short-lived records. No personal data: the UUID and the scopes only. */
import type { SingpassMount } from 'sgid-protocol';
import type { SingpassGrant } from '../login/records.js';
import type { PushedRequest } from './checks/par.js';

/** A pushed authorization request (keyed by storageKey(request_uri)): single use, 60 s. */
export interface RequestUriRecord extends PushedRequest {
  mount: SingpassMount;
  /** The DPoP key thumbprint the login is bound to. */
  jkt: string;
}

/** An authorization code (keyed by storageKey(code)): bound to client, redirect URI, challenge, DPoP key and mount. */
export interface SingpassCodeRecord {
  mount: SingpassMount;
  clientId: string;
  redirectUri: string;
  /** Legacy logins may come without PKCE. */
  codeChallenge?: string;
  /** FAPI only. */
  jkt?: string;
  nonce?: string;
  scopes: string[];
  grant: SingpassGrant;
}

/** An access token (keyed by storageKey(token)). */
export interface SingpassTokenRecord {
  mount: SingpassMount;
  clientId: string;
  scopes: string[];
  uuid: string;
  /** FAPI: the DPoP key the token is bound to (`cnf.jkt`). */
  jkt?: string;
  expiresAt: number;
}

/** Left behind by a redeemed code, to revoke its token on reuse. */
export interface SingpassUsedCodeRecord {
  tokenKey: string;
}
