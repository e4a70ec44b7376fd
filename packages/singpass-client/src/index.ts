/**
 * singpass-client: Singpass Login and Myinfo v5 on the FAPI 2.0 profile — PAR, DPoP with a fresh
 * key per login, PKCE, private_key_jwt, encrypted ID tokens and userinfo, typed Myinfo data —
 * on oauth4webapi and jose, runtime-neutral (fetch + WebCrypto, with Node's `crypto` as a faster
 * backend where the runtime offers it), plus a cookie-based login-flow helper.
 * @packageDocumentation
 */
export {
  SingpassClient,
  SINGPASS_ISSUERS,
  DISCOVERY_MAX_AGE_MS,
  redirectError,
  type SingpassClientOptions,
  type AppType,
  type AuthorizationUrlOptions,
  type AuthorizationUrlResult,
  type CallbackInput,
  type SingpassDiscovery,
} from './client.js';
export type { LoginSession } from './session.js';
export type { SingpassTokens, SingpassUserinfo, SingpassIdTokenClaims, SubAttributes } from './types.js';
export { generateKeys, generateKey, toPublicJwks, parsePrivateJwks, type Jwks, type GeneratedKeys, type GenerateKeyOptions } from './keys.js';
export type { EcJwk, Curve, SigningAlg, KeyAgreementAlg, ContentEncryption } from './crypto/backend.js';
export type { RetryOptions } from './http.js';
export {
  SingpassError,
  SingpassConfigError,
  SingpassResponseError,
  SingpassIdTokenError,
  SingpassUserinfoError,
  SingpassLoginError,
  type SingpassErrorCode,
} from './errors.js';
export type {
  PersonInfo,
  MyinfoItems,
  MyinfoMeta,
  MyinfoSource,
  MyinfoValue,
  MyinfoCoded,
  MyinfoField,
  MyinfoCodedField,
  MyinfoAddress,
  MyinfoPhone,
  MyinfoChildBirthRecord,
  MyinfoSponsoredChildRecord,
  MyinfoVehicle,
  MyinfoCpfBalances,
  MyinfoRecord,
} from './myinfo/types.js';
export {
  toPlainPerson,
  plainValue,
  myinfoValue,
  myinfoCode,
  myinfoDescription,
  addressLines,
  formatAddress,
  formatMobileNumber,
  parseMyinfoDate,
  ageOn,
  type PlainPerson,
  type PlainRecord,
  type MyinfoDate,
} from './myinfo/plain.js';
export { parseLegacySub, type LegacySub } from './legacy.js';
export {
  createLoginFlow,
  readCookie,
  type LoginFlow,
  type LoginFlowOptions,
  type LoginStartOptions,
  type LoginBegin,
  type LoginResult,
  type LoginErrorOutcome,
  type LoginFailureReason,
  type RequestLike,
} from './login-flow.js';
export { jwksResponse, loginErrorResponse, loginErrorText } from './adapters/web.js';
export {
  expressLoginHandlers,
  toWebRequest,
  appendSetCookie,
  type ExpressLoginOptions,
  type NodeLikeRequest,
  type NodeLikeResponse,
} from './adapters/express.js';
export { nextLoginRoutes, type NextLoginOptions } from './adapters/next.js';
