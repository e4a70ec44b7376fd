/**
 * The official SDK's parameter and return types (its `types.ts`), same names and shapes, plus
 * the options this SDK adds (all optional).
 */

/** A parsed data value: a string, or what a stringified JSON array / object parses to. */
export type ParsedSgidDataValue = string | unknown[] | Record<string, unknown>;

/** Parameters of {@link SgidClient.authorizationUrl}. */
export type AuthorizationUrlParams = {
  /** Passed back to your redirect URI unchanged; check it on return (CSRF). */
  state?: string;
  /** Array or space-separated scopes; must include `openid`. Default `"myinfo.name openid"`. */
  scope?: string | string[];
  /** Nonce for the ID token. `undefined`: a random one is generated and returned. `null`: none. */
  nonce?: string | null;
  /** Overrides the constructor's redirect URI for this request. */
  redirectUri?: string;
  /** S256 code challenge from {@link generatePkcePair}. */
  codeChallenge: string;
};

/** Result of {@link SgidClient.authorizationUrl}. */
export type AuthorizationUrlReturn = {
  /** Where to send the user's browser. */
  url: string;
  /** The nonce to keep for `callback` (absent when `nonce: null` was passed). */
  nonce?: string;
};

/** Parameters of {@link SgidClient.callback}. */
export type CallbackParams = {
  /** The `code` query parameter your redirect URI received. */
  code: string;
  /** The nonce returned by `authorizationUrl`; `null`/absent if none was sent. */
  nonce?: string | null;
  /** The redirect URI used at `authorizationUrl`, when not the constructor's. */
  redirectUri?: string;
  /** The code verifier of the PKCE pair whose challenge went to `authorizationUrl`. */
  codeVerifier: string;
  /**
   * (This SDK only) The `state` query parameter your redirect URI received. When given together
   * with `expectedState`, the two must be equal or the call throws `ERR_STATE_MISMATCH` before
   * any request is made. The official SDK leaves this check to the application.
   */
  state?: string | null;
  /** (This SDK only) The state you passed to `authorizationUrl`, to compare with `state`. */
  expectedState?: string | null;
};

/** Result of {@link SgidClient.callback}. */
export type CallbackReturn = {
  /** The user's pairwise identifier at your client. */
  sub: string;
  /** Bearer token for `userinfo`. */
  accessToken: string;
  /** The validated ID token (compact JWS). */
  idToken: string;
};

/** Parameters of {@link SgidClient.userinfo}. */
export type UserInfoParams = {
  /** The `sub` from `callback`. */
  sub: string;
  /** The `accessToken` from `callback`. */
  accessToken: string;
};

/** Result of {@link SgidClient.userinfo}. */
export type UserInfoReturn = {
  sub: string;
  /** Decrypted values, one per granted data scope (every value is a string). */
  data: Record<string, string>;
};

/** Constructor options of {@link SgidClient}. */
export type SgidClientParams = {
  /** Client ID from your credentials. */
  clientId: string;
  /** Client secret from your credentials. */
  clientSecret: string;
  /** RSA private key from your credentials, PKCS#1 or PKCS#8 PEM (`\n` escapes accepted). */
  privateKey: string;
  /** Default redirect URI (must be registered with the client). */
  redirectUri?: string;
  /** Provider origin; any path is dropped. Default `https://api.id.gov.sg`. */
  hostname?: string;
  /**
   * (This SDK only) Seconds of clock skew accepted on the ID token's `exp`/`nbf`. Default 0,
   * as in the official SDK.
   */
  clockTolerance?: number;
  /** (This SDK only) Milliseconds before a request to the provider is abandoned. Default 3500, as in the official SDK. */
  timeout?: number;
  /** (This SDK only) The `fetch` to use (default: the global one). */
  fetch?: typeof fetch;
};
