/**
 * The login in flight: what an authorize request becomes while the person answers in the
 * wallet, and the grant the wallet hands back. One module that the relay (sgID), the Singpass
 * endpoints and the wallet all import, so that no role imports another.
 */
import type { EncryptedUserinfo } from 'sgid-protocol';

/** What the wallet hands the relay when a person approves: pairwise sub + ciphertext. */
export interface Grant {
  sub: string;
  /** Absent when only `openid` was requested. */
  encrypted?: EncryptedUserinfo;
}

/** Where a login stands. `expired` is never stored: it is what a missing record means. */
export type LoginStatus = 'pending' | 'approved' | 'declined' | 'expired';

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
  status: Exclude<LoginStatus, 'expired'>;
  grant?: Grant;
  expiresAt: number;
}
