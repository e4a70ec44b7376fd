/**
 * Singpass Login's wire format, both generations (SINGPASS.md): the FAPI 2.0 profile (PAR,
 * DPoP, PKCE, `private_key_jwt`, ID tokens as a JWS inside a JWE, Myinfo v5 userinfo) and the
 * legacy "NDI OIDC" flow. Shared by the provider and the relying-party SDK.
 */

/** Where each generation is mounted on a provider's origin; the issuer is `<origin><mount>`. */
export const SINGPASS_MOUNTS = {
  /** FAPI 2.0: issuer `https://id.singpass.gov.sg/fapi`. */
  fapi: '/fapi',
  /** Legacy NDI OIDC: issuer `https://id.singpass.gov.sg` (the origin itself). */
  legacy: '',
  /** MockPass's FAPI paths, so that a MockPass setup switches by changing host and port only. */
  mockpassFapi: '/singpass/v3/fapi',
  /** MockPass's legacy (v2 NDI OIDC) paths. */
  mockpassLegacy: '/singpass/v2',
} as const;

export type SingpassMount = keyof typeof SINGPASS_MOUNTS;

/** Endpoint paths relative to the issuer (read them from discovery in a relying party). */
export const SINGPASS_PATHS = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/.well-known/keys',
  /** FAPI only. */
  par: '/par',
  authorize: '/auth',
  token: '/token',
  userinfo: '/userinfo',
} as const;

/** The only `client_assertion_type` (RFC 7523). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Signature algorithms of client assertions, DPoP proofs and RP signing keys. */
export const SINGPASS_SIGNING_ALGS = ['ES256', 'ES384', 'ES512'] as const;
export type SingpassSigningAlg = (typeof SINGPASS_SIGNING_ALGS)[number];

/** Key management algorithms of RP encryption keys, weakest first. */
export const SINGPASS_KEY_WRAP_ALGS = ['ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'] as const;
export type SingpassKeyWrapAlg = (typeof SINGPASS_KEY_WRAP_ALGS)[number];

/** Curves of RP keys, weakest first. */
export const SINGPASS_CURVES = ['P-256', 'P-384', 'P-521'] as const;
export type SingpassCurve = (typeof SINGPASS_CURVES)[number];

/** Which curve each signature algorithm uses (an ES384 assertion from a P-256 key is refused). */
export const CURVE_OF_ALG: Readonly<Record<SingpassSigningAlg, SingpassCurve>> = {
  ES256: 'P-256',
  ES384: 'P-384',
  ES512: 'P-521',
};

/**
 * Content encryption of what the provider encrypts to the RP: the ID token always uses
 * A256CBC-HS512; the FAPI userinfo answer uses A256GCM as the real service does (its demo app
 * and third-party clients observe it; the legacy docs' sample shows A256CBC-HS512 — an RP must
 * accept both).
 */
export const SINGPASS_ENC = { idToken: 'A256CBC-HS512', userinfo: 'A256GCM', legacyUserinfo: 'A256CBC-HS512' } as const;

/** Lifetimes in seconds, as the real service has them. */
export const SINGPASS_LIFETIMES = {
  /** PAR `request_uri`. */
  requestUri: 60,
  /** FAPI authorization code. */
  code: 60,
  /** Legacy authorization code. */
  legacyCode: 120,
  /** ID token: exp = iat + 600. */
  idToken: 600,
  /** Access token (a JWT bound to the DPoP key). */
  accessToken: 1800,
  /** Client assertions and DPoP proofs: exp − iat at most this. */
  maxProofLifetime: 120,
} as const;

/** Levels of assurance (`acr`, and `acr_values` at PAR). loa:1 is the staging-only password login. */
export const SINGPASS_ACR = {
  loa1: 'urn:singpass:authentication:loa:1',
  loa2: 'urn:singpass:authentication:loa:2',
  loa3: 'urn:singpass:authentication:loa:3',
} as const;
export type SingpassAcr = (typeof SINGPASS_ACR)[keyof typeof SINGPASS_ACR];

/** `acr_values` an RP may ask for at PAR (only when its registration allows it). */
export const SINGPASS_REQUESTABLE_ACR: readonly SingpassAcr[] = [SINGPASS_ACR.loa2, SINGPASS_ACR.loa3];

/** The two kinds of Singpass app: what a registration is for decides the PAR rules. */
export type SingpassAppType = 'login' | 'myinfo';

/** Scopes a Login app may request besides `openid`: they shape `sub_attributes` in the ID token. */
export const LOGIN_APP_SCOPES = ['user.identity', 'name', 'email', 'mobileno'] as const;
export type LoginAppScope = (typeof LOGIN_APP_SCOPES)[number];

/**
 * Legacy client profiles: `direct` gets a JWS ID token with `sub = u=<uuid>`;
 * `direct_pii_allowed` a JWS inside a JWE with `sub = s=<NRIC>,u=<uuid>`.
 */
export const LEGACY_PROFILES = ['direct', 'direct_pii_allowed'] as const;
export type LegacyProfile = (typeof LEGACY_PROFILES)[number];

/** `authentication_context_type` values (mandatory for Login apps, refused for Myinfo apps). */
export const AUTHENTICATION_CONTEXT_TYPES = [
  'APP_AUTHENTICATION_DEFAULT',
  'APP_PAYMENT_DEFAULT',
  'APP_ACCOUNT_PASSWORD_CHANGE_DEFAULT',
  'APP_ACCOUNT_PASSWORD_RESET_DEFAULT',
  'APP_ACCOUNT_DETAILS_CHANGE_DEFAULT',
  'APP_ONBOARDING_DEFAULT',
  'CPF_CHANGE_PAYMENT_MODE',
  'CPF_CHANGE_DAILY_WITHDRAWAL_LIMIT',
  'CPF_PROFILE_UPDATE',
  'CPF_LINK_BANK_ACCOUNT',
  'CPF_FUNDS_TRANSFER',
  'BANK_CASA_OPENING',
  'BANK_CASA_INITIAL_USAGE',
  'BANK_CARD_APPLICATION',
  'BANK_CARD_INITIAL_USAGE',
  'BANK_LOAN_APPLICATION',
  'BANK_ADD_LOCAL_RECEIPIENT',
  'BANK_ADD_OVERSEAS_RECIPIENT',
  'BANK_INCREASE_TRANSFER_LIMIT',
  'BANK_REPORT_FRAUD_SUSPICIOUS_ACTIVITY',
  'BANK_FUNDS_TRANSFER_LOCAL',
  'BANK_REMIT_MONEY_OVERSEAS',
  'BANK_REPORT_LOST_CARD',
  'BANK_CHANGE_NOTIFICATION_METHOD',
  'BANK_INCREASE_CREDIT_CARD_LIMIT',
  'BANK_REQUEST_CASH_ADVANCE',
  'BANK_INCREASE_INFLOW_OUTFLOW',
  'BANK_ACTIVATE_DORMANT_ACCOUNT',
  'BANK_LOGIN_NEW_DEVICE',
  'BANK_LOGIN_UNFAMILIAR_IP',
  'BANK_UPDATE_USER_INFORMATION',
  'BANK_NEW_DEVICE_REGISTRATION',
  'BANK_UNLOCK_MONEY_LOCK',
  'BANK_GOOGLE_PAY_APPLE_PAY_CARD_ONBOARDING',
  'FI_ACCOUNT_OPENING',
  'FI_LINK_BANK_ACCOUNT',
  'FI_INCREASE_TRANSFER_LIMIT',
  'FI_INCREASE_WITHDRAWAL_LIMIT',
  'FI_INITIATE_DEPOSIT',
  'TELCO_SIM_CARD_APPLICATION',
  'TELCO_SIM_CARD_ACTIVATION',
  'TELCO_CHANGE_ACCOUNT_DETAILS',
  'TELCO_ACTIVATE_ROAMING',
  'TELCO_CHANGE_NOTIFICATION_METHOD',
] as const;
export type AuthenticationContextType = (typeof AUTHENTICATION_CONTEXT_TYPES)[number];

/** `authentication_context_message`: at most 100 of these characters. */
export const AUTHENTICATION_CONTEXT_MESSAGE_PATTERN = /^[A-Za-z0-9 .,\-@'!()]{1,100}$/;

/** `state` (≤ 255, this alphabet); `nonce` is only bounded in length. */
export const SINGPASS_STATE_PATTERN = /^[A-Za-z0-9/+_\-=.]{1,255}$/;
export const SINGPASS_NONCE_MAX = 255;

/** Singpass client ids: 32 alphanumerics. */
export const SINGPASS_CLIENT_ID_PATTERN = /^[A-Za-z0-9]{32}$/;

/** `redirect_uri_https_type` at PAR. */
export const REDIRECT_URI_HTTPS_TYPES = ['standard_https', 'app_claimed_https'] as const;

/** PAR's success answer (RFC 9126 §2.2, status 201). */
export interface ParResponse {
  request_uri: string;
  expires_in: number;
}

/** The FAPI token endpoint's success answer (no `scope`, no `refresh_token`). */
export interface SingpassTokenResponse {
  /** A JWT bound to the DPoP key (`cnf.jkt`), valid 30 minutes; for userinfo only. */
  access_token: string;
  /** Compact JWE wrapping the compact JWS of the ID token. */
  id_token: string;
  token_type: 'DPoP';
  expires_in: number;
}

/** The legacy token endpoint's success answer. */
export interface LegacyTokenResponse {
  access_token: string;
  id_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** `sub_attributes` of a FAPI ID token: each present only when its scope was requested. */
export interface SubAttributes {
  /** With `user.identity`: `standard` (citizens, PRs, FIN holders) or `foreign` (Singpass Foreign Accounts). */
  account_type?: 'standard' | 'foreign';
  /** With `user.identity`: the NRIC or FIN (or the foreign id of an SFA holder). */
  identity_number?: string;
  /** With `user.identity`: the issuing country, `SG` for NRIC/FIN. */
  identity_coi?: string;
  /** With `name`. */
  name?: string;
  /** With `email`, when the person has one. */
  email?: string;
  /** With `mobileno`, when the person has a Singapore mobile number: digits, no country code. */
  mobileno?: string;
}

/** The claims of a FAPI ID token (inside the JWE, inside the JWS). */
export interface SingpassIdTokenClaims {
  iss: string;
  /** The person's Singpass UUID: the same at every client. */
  sub: string;
  sub_type: 'user';
  sub_attributes?: SubAttributes;
  aud: string;
  iat: number;
  /** iat + 600. */
  exp: number;
  amr: string[];
  acr: SingpassAcr;
  nonce?: string;
}

/** The claims of a legacy ID token. */
export interface LegacyIdTokenClaims {
  iss: string;
  /** `u=<uuid>` (profile `direct`) or `s=<NRIC>,u=<uuid>` (`direct_pii_allowed`). */
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  amr: string[];
  nonce?: string;
}
