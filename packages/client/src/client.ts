/**
 * SgidClient: the official SDK's class, same constructor, methods, defaults, return shapes and
 * error conditions, on fetch + a crypto backend (Node's `crypto` module where the runtime offers
 * it, else WebCrypto: ./crypto/platform.ts). The private key is imported once per client and the
 * provider's JWKS is cached, so a login costs little more than its cryptography.
 */
import { PATHS, issuerFor } from 'sgid-protocol';
import { cryptoBackend } from './crypto/platform.js';
import { MESSAGES, SgidConfigError, SgidLoginError, SgidMissingIdTokenError, SgidResponseError, SgidUserinfoError } from './errors.js';
import { decryptUserinfoData } from './decrypt.js';
import { parseData, type ParseDataOptions, type SgidParsedData } from './data-types.js';
import { requestJson, type HttpOptions } from './http.js';
import { checkIdToken } from './id-token.js';
import { JwksCache } from './jwks.js';
import { PrivateKeyCache } from './keys.js';
import { generateNonce } from './generators.js';
import { normalizePrivateKey } from './pem.js';
import type {
  AuthorizationUrlParams,
  AuthorizationUrlReturn,
  CallbackParams,
  CallbackReturn,
  SgidClientParams,
  UserInfoParams,
  UserInfoReturn,
} from './types.js';

/** The official SDK's defaults. */
export const DEFAULT_HOSTNAME = 'https://api.id.gov.sg';
export const DEFAULT_SCOPE = 'myinfo.name openid';
export const DEFAULT_TIMEOUT_MS = 3500;

/**
 * application/x-www-form-urlencoded, as URLSearchParams serialises it (WHATWG URL): only
 * `*-._` and alphanumerics stay, space becomes '+'. encodeURIComponent plus the differences.
 */
const FORM_SAFE = /^[\w*.-]*$/;

function formEncodeValue(v: unknown): string {
  const s = String(v);
  if (FORM_SAFE.test(s)) return s; // most codes, verifiers, ids and secrets: nothing to escape
  const e = encodeURIComponent(s);
  return /[!'()~]|%20/.test(e) ? e.replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+') : e;
}

function formEncode(pairs: [string, unknown][]): string {
  let out = '';
  try {
    for (const [k, v] of pairs) out += `${out ? '&' : ''}${formEncodeValue(k)}=${formEncodeValue(v)}`;
    return out;
  } catch {
    // a lone surrogate (encodeURIComponent throws; URLSearchParams writes U+FFFD)
    return new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString();
  }
}

const ANY_STRING = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Interacts with the sgID API: drop-in for `@opengovsg/sgid-client`'s `SgidClient`. */
export class SgidClient {
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #redirectUri: string | undefined;
  readonly #issuer: string;
  readonly #origin: string;
  readonly #privateKeys: PrivateKeyCache;
  readonly #jwks: JwksCache;
  readonly #http: HttpOptions;
  readonly #clockTolerance: number;

  /**
   * Initialises an SgidClient instance.
   * @param params.clientId Client ID provided during client registration.
   * @param params.clientSecret Client secret provided during client registration.
   * @param params.privateKey Client private key provided during client registration (PKCS#1 or
   * PKCS#8 PEM; literal `\n` sequences are turned into newlines).
   * @param params.redirectUri Redirect URI for the user to return to your application after
   * login. If not provided here, it must be passed to `authorizationUrl` and `callback`.
   * @param params.hostname Origin of the OpenID provider (sgID). Defaults to https://api.id.gov.sg.
   * @param params.clockTolerance (This SDK) Seconds of clock skew accepted on the ID token. Default 0.
   * @param params.timeout (This SDK) Request timeout in milliseconds. Default 3500.
   * @param params.fetch (This SDK) The fetch implementation. Default: the global `fetch`.
   * @throws {SgidConfigError} `ERR_INVALID_ARGUMENT` for a missing clientId/clientSecret or a
   * hostname that is not a URL; `ERR_PRIVATE_KEY_IMPORT` for a malformed PKCS#1 key.
   */
  constructor({
    clientId,
    clientSecret,
    privateKey,
    redirectUri,
    hostname = DEFAULT_HOSTNAME,
    clockTolerance = 0,
    timeout = DEFAULT_TIMEOUT_MS,
    fetch: fetchImpl,
  }: SgidClientParams) {
    if (!ANY_STRING(clientId)) throw new SgidConfigError('ERR_INVALID_ARGUMENT', 'clientId is required', 'Pass the "id" from your client credentials as clientId.');
    if (!ANY_STRING(clientSecret)) throw new SgidConfigError('ERR_INVALID_ARGUMENT', 'clientSecret is required', 'Pass the "secret" from your client credentials as clientSecret.');
    let origin: string;
    try {
      origin = new URL(hostname).origin;
      this.#issuer = issuerFor(hostname);
    } catch (cause) {
      throw new SgidConfigError('ERR_INVALID_ARGUMENT', `hostname is not a valid URL: ${String(hostname)}`, 'Pass the provider origin, e.g. "https://api.id.gov.sg".', { cause });
    }
    if (!(typeof clockTolerance === 'number' && clockTolerance >= 0)) {
      throw new SgidConfigError('ERR_INVALID_ARGUMENT', 'clockTolerance must be a number of seconds, 0 or more', 'Pass e.g. clockTolerance: 5.');
    }
    this.#origin = origin;
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
    this.#redirectUri = redirectUri;
    this.#clockTolerance = clockTolerance;
    // The crypto backend (./crypto/platform.ts): Node's `crypto` module where the runtime hands
    // it out, WebCrypto elsewhere. Chosen once per process; each client keeps the one it got.
    const backend = cryptoBackend();
    this.#privateKeys = new PrivateKeyCache(normalizePrivateKey(privateKey), backend);
    const f = fetchImpl ?? globalThis.fetch;
    this.#http = { fetch: (input, init) => f(input, init), timeout };
    this.#jwks = new JwksCache(origin + PATHS.jwks, this.#http, backend);
  }

  /** The issuer this client expects in ID tokens: `<origin of hostname>/v2`. */
  get issuer(): string {
    return this.#issuer;
  }

  /** The default redirect URI given to the constructor, if any. */
  get redirectUri(): string | undefined {
    return this.#redirectUri;
  }

  #firstRedirectUri(): string {
    if (!this.#redirectUri) {
      throw new SgidConfigError(
        'ERR_MISSING_REDIRECT_URI',
        MESSAGES.MISSING_REDIRECT_URI,
        'Pass redirectUri to the SgidClient constructor, or to both authorizationUrl() and callback().',
      );
    }
    return this.#redirectUri;
  }

  /**
   * Generates the authorization URL to send the end-user to the sgID login page.
   * @param params.state Passed back to your redirect URI; use it to tie the return to this request.
   * @param params.scope Array or space-separated scopes; must include 'openid'. Default 'myinfo.name openid'.
   * @param params.nonce Nonce for this request. Undefined: one is generated and returned. null: none is sent.
   * @param params.redirectUri Overrides the constructor's redirect URI for this request.
   * @param params.codeChallenge The S256 code challenge from `generatePkcePair()`.
   * @returns `{ url, nonce? }`: store the nonce (with the code verifier) for `callback`.
   * @throws {SgidConfigError} `ERR_MISSING_REDIRECT_URI` when no redirect URI is known.
   */
  authorizationUrl({
    state,
    scope = DEFAULT_SCOPE,
    nonce = generateNonce(),
    redirectUri = this.#firstRedirectUri(),
    codeChallenge,
  }: AuthorizationUrlParams): AuthorizationUrlReturn {
    // Same parameter order and encoding as openid-client 5 (querystring: spaces as %20).
    const params: [string, string | null | undefined][] = [
      ['client_id', this.#clientId],
      ['scope', typeof scope === 'string' ? scope : scope.join(' ')],
      ['response_type', 'code'],
      ['redirect_uri', redirectUri],
      ['nonce', nonce],
      ['state', state],
      ['code_challenge', codeChallenge],
      ['code_challenge_method', 'S256'],
    ];
    const query = params
      .filter((p): p is [string, string] => p[1] !== null && p[1] !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join('&');
    const result: AuthorizationUrlReturn = { url: `${this.#origin}${PATHS.authorize}?${query}` };
    if (nonce) result.nonce = nonce;
    return result;
  }

  /**
   * Exchanges the authorization code for tokens and validates the ID token.
   * @param params.code The authorization code received at your redirect URI.
   * @param params.nonce The nonce from `authorizationUrl` (null if none was sent).
   * @param params.redirectUri The redirect URI used at `authorizationUrl`, if not the constructor's.
   * @param params.codeVerifier The code verifier whose challenge was sent to `authorizationUrl`.
   * @param params.state (This SDK) The `state` received at your redirect URI, checked against `expectedState`.
   * @param params.expectedState (This SDK) The state you sent; when given, a mismatch throws before any request.
   * @returns `{ sub, accessToken, idToken }`.
   * @throws {SgidConfigError} `ERR_MISSING_REDIRECT_URI`.
   * @throws {SgidLoginError} `ERR_STATE_MISMATCH` when `expectedState` is given and differs from `state`.
   * @throws {SgidResponseError} `ERR_OAUTH_RESPONSE` (e.g. invalid_grant), `ERR_NETWORK`,
   * `ERR_UNEXPECTED_RESPONSE`, `ERR_NO_ACCESS_TOKEN`, `ERR_NO_SUB`.
   * @throws {SgidMissingIdTokenError} `ERR_NO_ID_TOKEN`: a `TypeError` `id_token not present in
   * TokenSet`, as the official SDK's (also `instanceof SgidError` and `SgidResponseError`).
   * @throws {SgidIdTokenError} when the ID token fails a check (`ERR_ID_TOKEN_*`, `ERR_JWKS_*`).
   */
  async callback({ code, nonce = null, redirectUri = this.#firstRedirectUri(), codeVerifier, state, expectedState }: CallbackParams): Promise<CallbackReturn> {
    if (expectedState !== undefined && expectedState !== null && state !== expectedState) {
      throw new SgidLoginError(
        'ERR_STATE_MISMATCH',
        `state mismatch, expected ${expectedState}, got: ${String(state)}`,
        'The user returned with a state this session did not send: a stale tab, a second login in another tab, or a forged request (CSRF). Start the login again.',
      );
    }
    const body = formEncode([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['redirect_uri', redirectUri],
      ['code_verifier', codeVerifier],
      ['client_id', this.#clientId],
      ['client_secret', this.#clientSecret],
    ]);
    const tokens = (await requestJson(this.#http, 'token', this.#origin + PATHS.token, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    })) as { id_token?: unknown; access_token?: unknown };

    const idToken = tokens.id_token;
    if (typeof idToken !== 'string' || !idToken) {
      throw new SgidMissingIdTokenError('Request the "openid" scope at authorizationUrl(); check hostname.');
    }
    const accessToken = typeof tokens.access_token === 'string' ? tokens.access_token : undefined;
    let claims = checkIdToken(
      idToken,
      { issuer: this.#issuer, clientId: this.#clientId, nonce: nonce ?? undefined, clockTolerance: this.#clockTolerance, accessToken },
      this.#jwks,
    );
    if (claims instanceof Promise) claims = await claims;
    if (typeof claims.sub !== 'string' || !claims.sub) {
      throw new SgidResponseError('ERR_NO_SUB', MESSAGES.NO_SUB, 'The provider issued an ID token without a subject: check hostname.');
    }
    if (!accessToken) {
      throw new SgidResponseError('ERR_NO_ACCESS_TOKEN', MESSAGES.NO_ACCESS_TOKEN, 'The token response had no access_token: check hostname.');
    }
    return { sub: claims.sub, accessToken, idToken };
  }

  /**
   * Retrieves the user's data and decrypts it with your private key.
   * @param params.sub The sub returned by `callback`.
   * @param params.accessToken The access token returned by `callback`.
   * @returns `{ sub, data }`: `data` maps each granted scope to its (string) value; `{}` when
   * only `openid` was granted.
   * @throws {SgidUserinfoError} `ERR_SUB_MISMATCH`, `ERR_DECRYPT_BLOCK_KEY`, `ERR_DECRYPT_PAYLOAD`.
   * @throws {SgidConfigError} `ERR_PRIVATE_KEY_IMPORT`.
   * @throws {SgidResponseError} `ERR_OAUTH_RESPONSE` (e.g. invalid_token), `ERR_NETWORK`, `ERR_UNEXPECTED_RESPONSE`.
   */
  async userinfo({ sub, accessToken }: UserInfoParams): Promise<UserInfoReturn> {
    const body = (await requestJson(
      this.#http,
      'userinfo',
      this.#origin + PATHS.userinfo,
      { headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` } },
      true,
    )) as { sub?: unknown; key?: unknown; data?: unknown };
    if (sub !== body.sub) {
      throw new SgidUserinfoError('ERR_SUB_MISMATCH', MESSAGES.SUB_MISMATCH, 'Pass userinfo() the sub and accessToken returned by the same callback() call.');
    }
    if (body.key && body.data) {
      if (typeof body.key !== 'string' || typeof body.data !== 'object') {
        throw new SgidUserinfoError('ERR_DECRYPT_BLOCK_KEY', MESSAGES.DECRYPT_BLOCK_KEY, 'The userinfo response is malformed: check hostname.');
      }
      return { sub, data: await decryptUserinfoData(body.key, body.data as Record<string, unknown>, this.#privateKeys) };
    }
    // Only `openid` was granted: no key and no data.
    return { sub, data: {} };
  }

  /**
   * Parses the `data` returned by `userinfo`: stringified arrays/objects are parsed, other values
   * stay strings (the official behaviour). The result is typed per scope; pass
   * `{ booleans: true }` to get the age flags as booleans.
   * @param data The `data` object returned by `userinfo`.
   * @param options See {@link ParseDataOptions}.
   * @throws {SgidConfigError} `ERR_INVALID_USERINFO_DATA` when `data` is not an object of strings.
   */
  parseData<O extends ParseDataOptions = {}>(data: unknown, options?: O): SgidParsedData<O> {
    return parseData(data, options);
  }
}
