/**
 * sgid-client: a drop-in replacement for `@opengovsg/sgid-client` 2.x (same exports, options,
 * defaults, return shapes and error conditions) that runs on fetch + WebCrypto, or Node's
 * `crypto` module where the runtime hands it out (Node ≥ 20, Bun, Deno, edge runtimes, browsers),
 * plus typed data, typed errors and a cookie-based login flow helper.
 * @packageDocumentation
 */
import { SgidClient } from './client.js';

export { SgidClient, DEFAULT_HOSTNAME, DEFAULT_SCOPE, DEFAULT_TIMEOUT_MS } from './client.js';
export { generatePkcePair, generateCodeVerifier, generateCodeChallenge, generateNonce } from './generators.js';
export { convertPkcs1ToPkcs8, isStringifiedArrayOrObject, isNonEmptyString, safeJsonParse, isSgidUserinfoObject } from './util.js';
export type {
  ParsedSgidDataValue,
  AuthorizationUrlParams,
  AuthorizationUrlReturn,
  CallbackParams,
  CallbackReturn,
  UserInfoParams,
  UserInfoReturn,
  SgidClientParams,
} from './types.js';
export {
  SgidError,
  SgidConfigError,
  SgidResponseError,
  SgidMissingIdTokenError,
  SgidIdTokenError,
  SgidUserinfoError,
  SgidLoginError,
  type SgidErrorCode,
} from './errors.js';
export {
  parseData,
  type ParseDataOptions,
  type SgidParsedData,
  type SgidScopeValue,
  type SgidJsonScopeTypes,
  type SgidBooleanScope,
  type SgidVehicle,
  type SgidChildBirthRecord,
  type SgidSponsoredChildRecord,
  type SgidPublicOfficerDetail,
} from './data-types.js';
export type { IdTokenClaims } from './id-token.js';
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
} from './login-flow.js';
export {
  expressLoginHandlers,
  toWebRequest,
  sendWebResponse,
  appendSetCookie,
  type ExpressLoginOptions,
  type NodeLikeRequest,
  type NodeLikeResponse,
} from './adapters/express.js';
export { nextLoginRoutes, type NextLoginOptions } from './adapters/next.js';

/** The official SDK's default export. */
export default SgidClient;
