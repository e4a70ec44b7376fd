/**
 * What a login gives the app: the ID token's claims (SINGPASS.md §1b "ID token (FAPI)"), the
 * tokens, and for Myinfo apps the userinfo answer.
 */
import type { EcJwk } from './crypto/backend.js';
import type { PersonInfo } from './myinfo/types.js';

/**
 * The user's attributes in the ID token, present only for the scopes that release them (Login
 * apps): `user.identity` gives `account_type`, `identity_number`, `identity_coi`; `name`,
 * `email`, `mobileno` their own.
 */
export interface SubAttributes {
  /** `standard` (NRIC/FIN holders) or `foreign` (foreign account). */
  account_type?: 'standard' | 'foreign' | (string & {});
  /** NRIC or FIN (or the foreign identity number). */
  identity_number?: string;
  /** Country of issue of the identity number (e.g. `SG`). */
  identity_coi?: string;
  name?: string;
  email?: string;
  /** Singapore mobile number without the country code, e.g. `91234567`. */
  mobileno?: string;
  [attribute: string]: unknown;
}

/** The claims of a Singpass FAPI ID token, checked: issuer, audience, expiry, issue time, nonce, signature. */
export interface SingpassIdTokenClaims {
  iss: string;
  /** Your client id. */
  aud: string | string[];
  /** The user's stable identifier at Singpass: a UUID (never the NRIC). */
  sub: string;
  iat: number;
  exp: number;
  nonce: string;
  /** `user` for a person. */
  sub_type?: string;
  sub_attributes?: SubAttributes;
  /** Delegation (reserved by Singpass): who acts for `sub`. */
  act?: { sub: string; sub_attributes?: SubAttributes };
  /** Every authentication factor used, e.g. `["pwd", "otp-sms"]`, `["face"]`, `["swk"]`. */
  amr?: string[];
  /** Level of assurance, e.g. `urn:singpass:authentication:loa:2`. */
  acr?: string;
  [claim: string]: unknown;
}

/** The result of `callback`: who logged in, and the tokens to fetch their Myinfo data with. */
export interface SingpassTokens {
  /** The user's UUID at Singpass (the ID token's `sub`). */
  sub: string;
  /** The ID token's `sub_attributes` (an empty object when the scopes release none). */
  subAttributes: SubAttributes;
  /** The ID token's `sub_type`, e.g. `user`. */
  subType: string | undefined;
  /** The ID token's `acr` (level of assurance). */
  acr: string | undefined;
  /** The ID token's `amr` (authentication factors); empty when absent. */
  amr: string[];
  /** Every claim of the ID token, checked. */
  claims: SingpassIdTokenClaims;
  /** The DPoP-bound access token (30 minutes); only this login's DPoP key can use it. */
  accessToken: string;
  /** Always `DPoP`. */
  tokenType: 'DPoP';
  /** Seconds the access token lives, when Singpass says. */
  expiresIn: number | undefined;
  /** The ID token as Singpass sent it (the JWE). */
  idToken: string;
  /** This login's DPoP private key (needed by `userinfo`). Secret: never log or send it. */
  dpopKey: EcJwk;
}

/** The result of `userinfo` (Myinfo apps): the person's data, checked. */
export interface SingpassUserinfo {
  /** Equal to the ID token's `sub` (checked). */
  sub: string;
  /** The Myinfo v5 items released, in their Myinfo shapes ({@link PersonInfo}); see `toPlainPerson`. */
  personInfo: PersonInfo;
  /** Every claim of the userinfo JWT (`person_info`, `iss`, `sub`, `aud`, `iat`…). */
  claims: Record<string, unknown>;
}
