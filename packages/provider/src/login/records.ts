/**
 * The login in flight: what an authorize request becomes while the person answers in the
 * wallet, and the grant the wallet hands back. One module that the relay (sgID), the Singpass
 * endpoints and the wallet all import, so that no role imports another.
 */
import type { EncryptedUserinfo, SingpassAcr, SingpassAppType, SingpassMount } from 'sgid-protocol';

/** What the wallet hands the relay when a person approves: pairwise sub + ciphertext. */
export interface Grant {
  sub: string;
  /** Absent when only `openid` was requested. */
  encrypted?: EncryptedUserinfo;
  /** The JWK thumbprint of the client key the data was encrypted to (for the login inspector). */
  encryptedTo?: string;
}

/**
 * What the wallet hands the Singpass endpoints when a person approves: who (the Singpass UUID,
 * the ID token's `sub`) and how they authenticated. No personal data: the ID token's
 * attributes and Myinfo items are read from the persona when they are issued, as Singpass
 * reads Myinfo.
 */
export interface SingpassGrant {
  uuid: string;
  acr: SingpassAcr;
  amr: string[];
}

/** What a Singpass login carries besides the common fields. */
export interface SingpassLogin {
  /** The mount (and so the issuer) the login was started at: its code is good only there. */
  mount: SingpassMount;
  appType: SingpassAppType;
  /** FAPI: the DPoP key thumbprint bound at PAR (the DPoP header's key, or `dpop_jkt`). */
  jkt?: string;
  /** The client's acr_values, in its order of preference. */
  acrValues: string[];
  /** FAPI: `authentication_context_message`, shown in the wallet. */
  contextMessage?: string;
}

/**
 * Where a login stands. `expired` is never stored: it is what a missing record means.
 * `superseded`: the same authorize request was opened again (the QR page reloaded, or opened
 * in another tab), so a newer QR code replaced this one. `finished`: the answer was delivered
 * to the browser; the record stays a while without its grant, so that the wallet can say what
 * happened rather than "expired".
 */
export type LoginStatus = 'pending' | 'approved' | 'declined' | 'superseded' | 'finished' | 'expired';

/** An authorize request waiting for the wallet (keyed by its id, which the QR code carries). */
export interface LoginRecord {
  id: string;
  /** The login inspector's trace id: every step of this login is recorded under it. */
  trace?: string;
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
  /** sgID logins: the approved grant. */
  grant?: Grant;
  /** Singpass logins (FAPI and legacy): what the login was pushed with, then the approved grant. */
  singpass?: SingpassLogin;
  singpassGrant?: SingpassGrant;
  /** With `finished`: what the person answered. */
  answered?: 'approved' | 'declined';
  expiresAt: number;
}
