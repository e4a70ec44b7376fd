/**
 * `SingpassClient`: Singpass Login and Myinfo v5 on the FAPI 2.0 profile (SINGPASS.md §1b, §5).
 * oauth4webapi does the OAuth and OpenID Connect work — discovery, PAR, the authorization
 * response, the token and userinfo requests and every claim check; this class adds what Singpass
 * needs on top: a client assertion and a fresh DPoP key per login, the encrypted ID token and
 * userinfo (./jwt.ts), bounded retries, and typed errors with hints.
 */
import * as oauth from 'oauth4webapi';
import { AUTHENTICATION_CONTEXT_MESSAGE_PATTERN, CLIENT_ASSERTION_TYPE, type AuthenticationContextType } from 'sgid-protocol';
import { publicJwk, type CryptoBackend, type EcJwk, type JwsSigner } from './crypto/backend.js';
import { ascii, b64u, randomB64u } from './crypto/bytes.js';
import { cryptoBackend } from './crypto/platform.js';
import { SingpassConfigError, SingpassError, SingpassLoginError, SingpassUserinfoError } from './errors.js';
import { isLoopbackHost, isRetryable, responseError, transportFetch, withRetries, type Endpoint, type RetryOptions, type Transport } from './http.js';
import { claimError, jwtError, openJwt, type OpenedJwt } from './jwt.js';
import { ClientKeys, type Jwks } from './keys.js';
import { ProviderKeys } from './provider-keys.js';
import { checkSession, isDpopKey, type LoginSession } from './session.js';
import type { SingpassIdTokenClaims, SingpassTokens, SingpassUserinfo } from './types.js';
import type { PersonInfo } from './myinfo/types.js';

/** Singpass's FAPI issuers. */
export const SINGPASS_ISSUERS = {
  staging: 'https://stg-id.singpass.gov.sg/fapi',
  production: 'https://id.singpass.gov.sg/fapi',
} as const;

/** How long the discovery document is used before it is fetched again (Singpass: cache ≥ 1 h). */
export const DISCOVERY_MAX_AGE_MS = 3_600_000;
/** How long, and for how many logins at most, imported DPoP keys are kept (a login's access token lives 30 minutes). */
const DPOP_KEY_CACHE_MS = 1_800_000;
const DPOP_KEY_CACHE_SIZE = 2000;

/** What kind of Singpass app the client is registered as. */
export type AppType = 'login' | 'myinfo';

/** Singpass's discovery document: the members this SDK reads (the others are kept too). */
export interface SingpassDiscovery {
  issuer: string;
  pushed_authorization_request_endpoint?: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  jwks_uri?: string;
  [member: string]: unknown;
}

/** Options of {@link SingpassClient}. */
export interface SingpassClientOptions {
  /**
   * The FAPI issuer: {@link SINGPASS_ISSUERS}`.staging` (`https://stg-id.singpass.gov.sg/fapi`),
   * `.production`, or a local provider's (e.g. `http://localhost:5156/fapi` with `allowHttpLoopback`).
   */
  issuer: string;
  /** Your client id (App ID) from the Singpass Developer Portal. */
  clientId: string;
  /**
   * Your private JWKS — an object or its JSON text — with at least one signing key (`use: sig`)
   * and one encryption key (`use: enc`): `npx singpass-client keys generate` makes one.
   * Several encryption keys may be listed at once (rotation).
   */
  keys: Jwks | string;
  /** `login` (default): Singpass Login, the user's attributes in the ID token. `myinfo`: Myinfo data from userinfo. */
  appType?: AppType;
  /** Your callback URL, registered with Singpass. Can also be given per login. */
  redirectUri?: string;
  /** Scopes to request, with `openid`. Default `openid`. Can also be given per login. */
  scope?: string | string[];
  /**
   * Login apps: the `authentication_context_type` sent with every login unless given per login.
   * Default `APP_AUTHENTICATION_DEFAULT`. Not allowed for Myinfo apps.
   */
  authenticationContextType?: AuthenticationContextType | (string & {});
  /** The `kid` of the signing key for client assertions. Default: the first `use: sig` key. */
  signingKeyId?: string;
  /**
   * Allow a plain `http://` issuer, for a provider on this machine only (localhost, 127.0.0.0/8,
   * ::1). Default false: every Singpass endpoint must be HTTPS.
   */
  allowHttpLoopback?: boolean;
  /** Seconds of clock skew tolerated when checking token times. Default 30. */
  clockTolerance?: number;
  /** Milliseconds per request to Singpass. Default 10000. */
  timeout?: number;
  /** Retries of failed requests (`server_error`, `temporarily_unavailable`, 5xx, network). Default 3 attempts. */
  retry?: RetryOptions;
  /** Your own `fetch` (proxies, tests). Default: the global one. */
  fetch?: typeof fetch;
}

/** Options of one {@link SingpassClient.authorizationUrl} call. */
export interface AuthorizationUrlOptions {
  /** Scopes for this login (with `openid`). Default: the client's. */
  scope?: string | string[];
  /** Redirect URI for this login. Default: the client's. */
  redirectUri?: string;
  /** Login apps: `authentication_context_type` (e.g. `APP_PAYMENT_DEFAULT`). Default: the client's. */
  authenticationContextType?: AuthenticationContextType | (string & {});
  /** Login apps: a message for the user in the Singpass app (≤ 100 of `A-Za-z0-9 .,-@'!()`). */
  authenticationContextMessage?: string;
  /** Requested levels of assurance, in preference order (only those whitelisted for your client). */
  acrValues?: string | string[];
  /** `standard_https` (default at Singpass) or `app_claimed_https`. */
  redirectUriHttpsType?: 'standard_https' | 'app_claimed_https';
  /** iOS apps: the URL Singpass returns to. */
  appLaunchUrl?: string;
}

/** What {@link SingpassClient.authorizationUrl} returns. */
export interface AuthorizationUrlResult {
  /** Redirect the browser here (`authorization_endpoint?client_id=…&request_uri=…`). */
  url: string;
  /** This login's secrets: keep them for this browser until the callback (see {@link LoginSession}). */
  session: LoginSession;
}

/** Where {@link SingpassClient.callback} reads the redirect's parameters from. */
export type CallbackInput = URL | URLSearchParams | string | { url: string };

/** The shape of an `authentication_context_type` (Singpass adds types: any of this shape is sent). */
const AUTH_CONTEXT_TYPE = /^[A-Z0-9_]{1,100}$/;

const config = (message: string, hint: string, code: 'ERR_INVALID_ARGUMENT' | 'ERR_INSECURE_ISSUER' | 'ERR_APP_TYPE' = 'ERR_INVALID_ARGUMENT') =>
  new SingpassConfigError(code, message, hint);

function scopeString(scope: string | string[]): string {
  const list = (Array.isArray(scope) ? scope : scope.split(' ')).map((s) => s.trim()).filter(Boolean);
  if (!list.includes('openid')) throw config(`scope ${JSON.stringify(list.join(' '))} has no "openid"`, 'Singpass requires openid in every scope, e.g. "openid uinfin name".');
  return [...new Set(list)].join(' ');
}

function epoch(): number {
  return Math.floor(Date.now() / 1000);
}

/** The parameters of the redirect to your callback. */
export function callbackParams(input: CallbackInput): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  const url = typeof input === 'string' ? input : input?.url;
  if (typeof url !== 'string') throw config('callback takes the redirect’s URL (string or URL), its URLSearchParams, or a request with a url', 'Pass req.url (or the full URL) of the request that reached your redirect URI.');
  const q = url.indexOf('?');
  return new URLSearchParams(q === -1 ? (url.includes('=') ? url : '') : url.slice(q + 1).split('#')[0]);
}

/**
 * The error of an error redirect (`?error=access_denied&state=…`) as a {@link SingpassLoginError}
 * (`ERR_AUTHORIZATION_ERROR`, with the OAuth `error`); undefined when the redirect is not one.
 */
export function redirectError(params: URLSearchParams): SingpassLoginError | undefined {
  const error = params.get('error');
  if (!error) return undefined;
  const description = params.get('error_description') ?? undefined;
  return new SingpassLoginError(
    'ERR_AUTHORIZATION_ERROR',
    description ? `${error} (${description})` : error,
    error === 'access_denied' ? 'The user cancelled or declined in Singpass: offer to log in again.' : 'Singpass refused the login: check the scopes and the app type your client is registered with.',
    { error },
  );
}

/** The Singpass FAPI 2.0 relying party: one per client id. */
export class SingpassClient {
  /** The configured issuer. */
  readonly issuer: string;
  readonly clientId: string;
  readonly appType: AppType;
  /** The default redirect URI (undefined when given per login). */
  readonly redirectUri: string | undefined;
  /** The default scope, space-separated. */
  readonly scope: string;
  readonly #keys: ClientKeys;
  /** The crypto backend in use when the client was made (it keeps it). */
  readonly #backend: CryptoBackend;
  readonly #transport: Transport;
  readonly #insecure: boolean;
  readonly #contextType: string | undefined;
  readonly #oauthClient: oauth.Client;
  #discovery: { as: oauth.AuthorizationServer; at: number; providerKeys: ProviderKeys } | undefined;
  #discovering: Promise<{ as: oauth.AuthorizationServer; providerKeys: ProviderKeys }> | undefined;
  /** The DPoP nonces Singpass handed out, per origin (RFC 9449 §8). */
  readonly #dpopNonces = new Map<string, string>();
  /**
   * The DPoP keys of recent logins, imported, by public `x`: when the callback reaches the process
   * that started the login (and userinfo follows), the key is not imported again from the
   * session (~0.1 ms). Bounded (LRU) and short-lived; a miss just imports.
   */
  readonly #dpopSigners = new Map<string, { d: string; signer: JwsSigner; until: number }>();

  /**
   * @throws {SingpassConfigError} `ERR_INVALID_ARGUMENT`, `ERR_INVALID_KEYS`, `ERR_INSECURE_ISSUER`, `ERR_APP_TYPE`
   */
  constructor(options: SingpassClientOptions) {
    if (!options || typeof options !== 'object') throw config('SingpassClient needs options: { issuer, clientId, keys, … }', 'See "The client" in the README.');
    const { issuer, clientId } = options;
    let url: URL;
    try {
      url = new URL(issuer);
    } catch {
      throw config(`issuer is not a URL: ${JSON.stringify(issuer)}`, `Use ${SINGPASS_ISSUERS.staging} (staging) or ${SINGPASS_ISSUERS.production}.`);
    }
    if (url.protocol !== 'https:') {
      const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
      if (!loopback) throw config(`issuer must be https:// (got ${url.origin})`, 'Singpass is HTTPS only. Plain http:// is allowed for a provider on this machine (localhost) with allowHttpLoopback: true.', 'ERR_INSECURE_ISSUER');
      if (options.allowHttpLoopback !== true) {
        throw config(`issuer ${url.origin} is plain http://`, 'For a local provider on this machine, set allowHttpLoopback: true (never in production).', 'ERR_INSECURE_ISSUER');
      }
    }
    if (typeof clientId !== 'string' || clientId === '') throw config('clientId must be a non-empty string', 'Use the App ID of your Singpass client.');
    const appType = options.appType ?? 'login';
    if (appType !== 'login' && appType !== 'myinfo') throw config(`appType must be "login" or "myinfo" (got ${JSON.stringify(appType)})`, 'It is the app type your client is registered with at Singpass.', 'ERR_APP_TYPE');
    if (options.authenticationContextType !== undefined) {
      if (appType === 'myinfo') throw config('authenticationContextType is for Login apps only', 'Singpass refuses authentication_context_type from Myinfo apps: remove it.', 'ERR_APP_TYPE');
      if (!AUTH_CONTEXT_TYPE.test(options.authenticationContextType)) throw config(`authenticationContextType ${JSON.stringify(options.authenticationContextType)} is not a Singpass context type`, 'E.g. APP_AUTHENTICATION_DEFAULT, APP_PAYMENT_DEFAULT.');
    }
    this.issuer = issuer;
    this.clientId = clientId;
    this.appType = appType;
    this.redirectUri = options.redirectUri;
    this.scope = scopeString(options.scope ?? 'openid');
    this.#backend = cryptoBackend();
    this.#keys = new ClientKeys(options.keys, options.signingKeyId, this.#backend);
    this.#insecure = url.protocol === 'http:';
    this.#contextType = appType === 'login' ? (options.authenticationContextType ?? 'APP_AUTHENTICATION_DEFAULT') : undefined;
    const retry = options.retry ?? {};
    this.#transport = {
      fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args)),
      timeout: options.timeout ?? 10_000,
      retry: { attempts: Math.max(1, Math.floor(retry.attempts ?? 3)), baseDelayMs: retry.baseDelayMs ?? 250, maxDelayMs: retry.maxDelayMs ?? 5000 },
    };
    this.#oauthClient = {
      client_id: clientId,
      id_token_signed_response_alg: 'ES256',
      userinfo_signed_response_alg: 'ES256',
      [oauth.clockTolerance]: options.clockTolerance ?? 30,
    };
  }

  /** Your public JWKS, to serve at the JWKS URL registered with Singpass (no private members). */
  jwks(): Jwks {
    return structuredClone(this.#keys.publicJwks);
  }

  #options(endpoint: Endpoint, dpop?: string): oauth.PushedAuthorizationRequestOptions & oauth.UserInfoRequestOptions {
    return {
      [oauth.customFetch]: transportFetch(this.#transport, endpoint) as typeof fetch,
      ...(this.#insecure ? { [oauth.allowInsecureRequests]: true } : {}),
      ...(dpop ? { headers: { dpop } } : {}),
    };
  }

  /** Every endpoint must be HTTPS, or loopback http:// when allowHttpLoopback allowed the issuer. */
  #checkEndpoint(as: oauth.AuthorizationServer, name: keyof oauth.AuthorizationServer, required: boolean): void {
    const value = as[name];
    if (value === undefined && !required) return;
    let url: URL | undefined;
    try {
      url = typeof value === 'string' ? new URL(value) : undefined;
    } catch {
      url = undefined;
    }
    if (!url) {
      throw new SingpassError('ERR_DISCOVERY', `Singpass's discovery document has no valid ${name}`, 'Check the issuer: Singpass FAPI issuers end in /fapi (https://stg-id.singpass.gov.sg/fapi); the legacy issuer has no PAR.');
    }
    if (url.protocol !== 'https:' && !(this.#insecure && url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw config(`the ${name} ${url.origin} is not https://`, 'Every Singpass endpoint is HTTPS; only a local provider may use http://localhost (allowHttpLoopback).', 'ERR_INSECURE_ISSUER');
    }
  }

  /**
   * Singpass's discovery document (`<issuer>/.well-known/openid-configuration`), fetched once and
   * used for an hour; when a refresh fails, the previous one is used a minute longer.
   */
  async discover(): Promise<SingpassDiscovery> {
    return (await this.#discovered()).as as SingpassDiscovery;
  }

  async #discovered(): Promise<{ as: oauth.AuthorizationServer; providerKeys: ProviderKeys }> {
    const cached = this.#discovery;
    if (cached && Date.now() - cached.at < DISCOVERY_MAX_AGE_MS) return cached;
    this.#discovering ??= (async () => {
      try {
        const issuer = new URL(this.issuer);
        const as = await withRetries(this.#transport, async () => {
          try {
            const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.#options('discovery') });
            return await oauth.processDiscoveryResponse(issuer, response);
          } catch (err) {
            if (err instanceof oauth.OperationProcessingError && err.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
              throw new SingpassError('ERR_DISCOVERY', `discovery: the document's issuer is not ${this.issuer}`, 'Use the issuer exactly as Singpass publishes it (…/fapi, no trailing slash).', { cause: err });
            }
            const mapped = await responseError(err, 'discovery');
            if (mapped.code === 'ERR_UNEXPECTED_RESPONSE' && !isRetryable(mapped)) {
              throw new SingpassError('ERR_DISCOVERY', `no discovery document at ${this.issuer}/.well-known/openid-configuration (${mapped.message})`, 'Check the issuer: Singpass FAPI issuers end in /fapi (https://stg-id.singpass.gov.sg/fapi).', { cause: err });
            }
            throw mapped;
          }
        });
        for (const name of ['pushed_authorization_request_endpoint', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) this.#checkEndpoint(as, name, true);
        this.#checkEndpoint(as, 'userinfo_endpoint', this.appType === 'myinfo');
        const providerKeys = cached && cached.as.jwks_uri === as.jwks_uri ? cached.providerKeys : new ProviderKeys(as.jwks_uri!, this.#transport, this.#backend);
        this.#discovery = { as, at: Date.now(), providerKeys };
        return this.#discovery;
      } catch (err) {
        if (cached) {
          // Keep serving logins with what we had; try again in a minute.
          cached.at = Date.now() - DISCOVERY_MAX_AGE_MS + 60_000;
          return cached;
        }
        throw err;
      } finally {
        this.#discovering = undefined;
      }
    })();
    return this.#discovering;
  }

  /** A DPoP proof (RFC 9449) for one request, with Singpass's nonce for that origin when it gave one. */
  async #dpopProof(signer: JwsSigner, key: EcJwk, htm: 'GET' | 'POST', endpoint: string, accessToken?: string): Promise<string> {
    const url = new URL(endpoint);
    const now = epoch();
    const payload: Record<string, unknown> = { htm, htu: `${url.origin}${url.pathname}`, iat: now, exp: now + 60, jti: randomB64u(16) };
    const nonce = this.#dpopNonces.get(url.origin);
    if (nonce !== undefined) payload.nonce = nonce;
    if (accessToken !== undefined) payload.ath = b64u(await this.#backend.sha256(ascii(accessToken)));
    const { kty, crv, x, y } = publicJwk(key);
    return signer.sign({ typ: 'dpop+jwt', jwk: { kty, crv, x, y } }, payload);
  }

  /** The signer of a login's DPoP key: from the recent logins when there, else imported. */
  async #dpopSigner(key: EcJwk): Promise<JwsSigner> {
    const hit = this.#dpopSigners.get(key.x);
    if (hit && hit.d === key.d && hit.until > Date.now()) return hit.signer;
    const signer = await this.#backend.signer(key, 'ES256');
    this.#keepDpopSigner(key, signer);
    return signer;
  }

  #keepDpopSigner(key: EcJwk, signer: JwsSigner): void {
    const signers = this.#dpopSigners;
    signers.delete(key.x);
    signers.set(key.x, { d: key.d!, signer, until: Date.now() + DPOP_KEY_CACHE_MS });
    if (signers.size > DPOP_KEY_CACHE_SIZE) signers.delete(signers.keys().next().value!);
  }

  /** Keeps the `DPoP-Nonce` Singpass sent from `endpoint`, for the next proofs to its origin. */
  #rememberNonce(response: Response, endpoint: string): void {
    const nonce = response.headers.get('dpop-nonce');
    if (nonce) this.#dpopNonces.set(new URL(endpoint).origin, nonce);
  }

  /** private_key_jwt: a fresh client assertion (ES256, aud = issuer, 60 s, single-use jti) per request. */
  readonly #clientAuth: oauth.ClientAuth = async (as, client, body) => {
    const signer = await this.#keys.signer();
    const now = epoch();
    const assertion = await signer.sign(
      { typ: 'JWT', kid: this.#keys.signingKey.kid },
      { iss: client.client_id, sub: client.client_id, aud: as.issuer, iat: now, exp: now + 60, jti: randomB64u(16) },
    );
    body.set('client_id', client.client_id);
    body.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
    body.set('client_assertion', assertion);
  };

  /**
   * Sends one request with a DPoP proof, and once more with Singpass's nonce if it asks for one
   * (`use_dpop_nonce`); retried as a whole on the failures Singpass says to retry.
   */
  #send<T>(endpoint: Endpoint, signer: JwsSigner, key: EcJwk, htm: 'GET' | 'POST', url: string, exchange: (dpop: string) => Promise<T>, accessToken?: string): Promise<T> {
    return withRetries(this.#transport, async () => {
      for (let nonceRetry = false; ; nonceRetry = true) {
        const proof = await this.#dpopProof(signer, key, htm, url, accessToken);
        try {
          return await exchange(proof);
        } catch (err) {
          if (!nonceRetry && oauth.isDPoPNonceError(err)) continue;
          throw await responseError(err, endpoint);
        }
      }
    });
  }

  /**
   * Starts a login: a fresh state, nonce (32 characters), PKCE pair and DPoP key; a pushed
   * authorization request (PAR) with a client assertion and a DPoP proof; and the URL to send
   * the browser to. Keep `session` for this browser until the callback.
   * @throws {SingpassConfigError} for a bad option; {@link SingpassResponseError} when Singpass refuses the request.
   */
  async authorizationUrl(options: AuthorizationUrlOptions = {}): Promise<AuthorizationUrlResult> {
    const redirectUri = options.redirectUri ?? this.redirectUri;
    if (typeof redirectUri !== 'string' || redirectUri === '') throw config('no redirectUri', 'Pass redirectUri (your callback URL, registered with Singpass) to the constructor or to authorizationUrl.');
    const params = new URLSearchParams({
      response_type: 'code',
      scope: options.scope === undefined ? this.scope : scopeString(options.scope),
      redirect_uri: redirectUri,
    });
    this.#appParams(params, options);
    const { as } = await this.#discovered();
    const backend = this.#backend;
    const { jwk: dpopKey, signer } = await backend.generateDpopKey();
    this.#keepDpopSigner(dpopKey, signer);
    const session: LoginSession = { state: randomB64u(24), nonce: randomB64u(24), codeVerifier: randomB64u(32), dpopKey, redirectUri };
    params.set('state', session.state);
    params.set('nonce', session.nonce);
    params.set('code_challenge', b64u(await backend.sha256(ascii(session.codeVerifier))));
    params.set('code_challenge_method', 'S256');
    const parEndpoint = as.pushed_authorization_request_endpoint!;
    const { request_uri } = await this.#send('par', signer, dpopKey, 'POST', parEndpoint, async (dpop) => {
      const response = await oauth.pushedAuthorizationRequest(as, this.#oauthClient, this.#clientAuth, params, this.#options('par', dpop));
      this.#rememberNonce(response, parEndpoint);
      return oauth.processPushedAuthorizationResponse(as, this.#oauthClient, response);
    });
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', this.clientId);
    url.searchParams.set('request_uri', request_uri);
    return { url: url.href, session };
  }

  /** The Login-app or Myinfo-app parameters of a PAR (SINGPASS.md §1b). */
  #appParams(params: URLSearchParams, options: AuthorizationUrlOptions): void {
    const type = options.authenticationContextType ?? this.#contextType;
    const message = options.authenticationContextMessage;
    if (this.appType === 'myinfo') {
      if (options.authenticationContextType !== undefined || message !== undefined) {
        throw config('authenticationContextType and authenticationContextMessage are for Login apps only', 'Singpass refuses them from Myinfo apps: remove them.', 'ERR_APP_TYPE');
      }
    } else {
      if (!AUTH_CONTEXT_TYPE.test(type ?? '')) throw config(`authenticationContextType ${JSON.stringify(type)} is not a Singpass context type`, 'E.g. APP_AUTHENTICATION_DEFAULT, APP_PAYMENT_DEFAULT.');
      params.set('authentication_context_type', type!);
      if (message !== undefined) {
        if (!AUTHENTICATION_CONTEXT_MESSAGE_PATTERN.test(message)) throw config('authenticationContextMessage must be 1–100 characters of A-Z a-z 0-9 space . , - @ \' ! ( )', 'Singpass shows it in its app and refuses other characters.');
        params.set('authentication_context_message', message);
      }
    }
    if (options.acrValues !== undefined) {
      const acr = (Array.isArray(options.acrValues) ? options.acrValues : options.acrValues.split(' ')).filter(Boolean).join(' ');
      if (acr) params.set('acr_values', acr);
    }
    if (options.redirectUriHttpsType !== undefined) params.set('redirect_uri_https_type', options.redirectUriHttpsType);
    if (options.appLaunchUrl !== undefined) params.set('app_launch_url', options.appLaunchUrl);
  }

  /**
   * Finishes a login from the redirect to your callback: checks `state` (and reports an error
   * redirect), exchanges the code with the login's PKCE verifier and DPoP key, decrypts the ID
   * token, verifies Singpass's signature (by `kid`, refetching the JWKS once for a new key) and
   * checks iss, aud, exp, iat and nonce.
   * @param input The URL that reached your redirect URI (or its query parameters).
   * @param session What {@link authorizationUrl} returned for this login.
   * @throws {SingpassLoginError} `ERR_STATE_MISMATCH`, `ERR_AUTHORIZATION_ERROR`, `ERR_MISSING_CODE`, `ERR_INVALID_CALLBACK`;
   * {@link SingpassIdTokenError} for an ID token that fails a check; {@link SingpassResponseError} when Singpass refuses.
   */
  async callback(input: CallbackInput, session: LoginSession): Promise<SingpassTokens> {
    checkSession(session);
    const params = callbackParams(input);
    const state = params.get('state');
    const error = params.get('error');
    if (state !== session.state && !(error && state === null)) {
      throw new SingpassLoginError(
        'ERR_STATE_MISMATCH',
        state === null ? 'the redirect has no state' : 'the redirect’s state is not this login’s',
        'The browser came back from another login than the one it started (another tab, an old link, or a forged request): start the login again.',
      );
    }
    const refused = redirectError(params);
    if (refused) throw refused;
    if (!params.get('code')) throw new SingpassLoginError('ERR_MISSING_CODE', 'the redirect has no code', 'Point only your redirect URI at callback.');
    const { as, providerKeys } = await this.#discovered();
    let validated: URLSearchParams;
    try {
      validated = oauth.validateAuthResponse(as, this.#oauthClient, params, session.state);
    } catch (err) {
      throw new SingpassLoginError('ERR_INVALID_CALLBACK', `the redirect is not a valid authorization response: ${(err as Error).message}`, 'Each parameter must appear once, and an "iss" parameter must be this issuer (mix-up protection).', { cause: err });
    }
    const signer = await this.#dpopSigner(session.dpopKey);
    const opened: OpenedJwt = {};
    const result = await this.#send('token', signer, session.dpopKey, 'POST', as.token_endpoint!, async (dpop) => {
      const response = await oauth.authorizationCodeGrantRequest(as, this.#oauthClient, this.#clientAuth, validated, session.redirectUri, session.codeVerifier, this.#options('token', dpop));
      this.#rememberNonce(response, as.token_endpoint!);
      try {
        return await oauth.processAuthorizationCodeResponse(as, this.#oauthClient, response, {
          expectedNonce: session.nonce,
          requireIdToken: true,
          [oauth.jweDecrypt]: (jwe: string) => openJwt(jwe, 'id_token', this.#keys, providerKeys, opened),
        });
      } catch (err) {
        throw claimError(err, 'id_token') ?? err;
      }
    });
    if (!opened.jws) throw jwtError('id_token', 'notEncrypted', 'Singpass sent a plain (unencrypted) ID token');
    if (result.token_type !== 'dpop') {
      throw new SingpassError('ERR_TOKEN_TYPE', `token_type is ${JSON.stringify(result.token_type)}, expected DPoP`, 'Singpass FAPI issues DPoP-bound tokens: check that the issuer is the FAPI one (…/fapi), not the legacy one.');
    }
    const claims = oauth.getValidatedIdTokenClaims(result) as unknown as SingpassIdTokenClaims;
    const tolerance = (this.#oauthClient[oauth.clockTolerance] as number | undefined) ?? 30;
    if (typeof claims.iat !== 'number' || claims.iat > epoch() + tolerance) throw jwtError('id_token', 'iat', `iat ${String(claims.iat)} is in the future`);
    const tokens: SingpassTokens = {
      sub: claims.sub,
      subAttributes: claims.sub_attributes && typeof claims.sub_attributes === 'object' ? claims.sub_attributes : {},
      subType: typeof claims.sub_type === 'string' ? claims.sub_type : undefined,
      acr: typeof claims.acr === 'string' ? claims.acr : undefined,
      amr: Array.isArray(claims.amr) ? claims.amr.filter((a): a is string => typeof a === 'string') : [],
      claims,
      accessToken: result.access_token,
      tokenType: 'DPoP',
      expiresIn: result.expires_in,
      idToken: result.id_token!,
      dpopKey: session.dpopKey,
    };
    return tokens;
  }

  /**
   * Myinfo apps: the user's Myinfo data. A userinfo request with the login's DPoP key (proof with
   * `ath`); the answer is decrypted, Singpass's signature verified, `iss`, `aud` and `sub` (equal
   * to the ID token's) checked, and `person_info` returned.
   * @param tokens What {@link callback} returned (or the same fields: accessToken, sub, dpopKey).
   * @throws {SingpassConfigError} `ERR_APP_TYPE` for Login apps; {@link SingpassUserinfoError} for an answer that fails a check.
   */
  async userinfo(tokens: Pick<SingpassTokens, 'accessToken' | 'sub' | 'dpopKey'>): Promise<SingpassUserinfo> {
    if (this.appType !== 'myinfo') {
      throw config('userinfo is for Myinfo apps', 'Login apps get the user’s attributes in the ID token: read tokens.subAttributes (scopes user.identity, name, email, mobileno).', 'ERR_APP_TYPE');
    }
    if (!tokens || typeof tokens.accessToken !== 'string' || typeof tokens.sub !== 'string' || !isDpopKey(tokens.dpopKey)) {
      throw config('userinfo needs the tokens callback returned (accessToken, sub and dpopKey)', 'Pass the object callback() returned for this login (JSON round trips are fine).');
    }
    const { as, providerKeys } = await this.#discovered();
    const signer = await this.#dpopSigner(tokens.dpopKey);
    const opened: OpenedJwt = {};
    const claims = await this.#send(
      'userinfo',
      signer,
      tokens.dpopKey,
      'GET',
      as.userinfo_endpoint!,
      async (dpop) => {
        const response = jwtContentType(await oauth.userInfoRequest(as, this.#oauthClient, tokens.accessToken, this.#options('userinfo', dpop)));
        this.#rememberNonce(response, as.userinfo_endpoint!);
        try {
          return await oauth.processUserInfoResponse(as, this.#oauthClient, tokens.sub, response, {
            [oauth.jweDecrypt]: (jwe: string) => openJwt(jwe, 'userinfo', this.#keys, providerKeys, opened),
          });
        } catch (err) {
          throw claimError(err, 'userinfo') ?? err;
        }
      },
      tokens.accessToken,
    );
    if (!opened.jws) throw jwtError('userinfo', 'notEncrypted', 'Singpass sent a plain (unencrypted) JWT');
    if (claims.iss === undefined) throw jwtError('userinfo', 'missing', 'no "iss" claim');
    if (claims.aud === undefined) throw jwtError('userinfo', 'missing', 'no "aud" claim');
    const personInfo = (claims as Record<string, unknown>).person_info;
    if (!personInfo || typeof personInfo !== 'object' || Array.isArray(personInfo)) {
      throw new SingpassUserinfoError('ERR_USERINFO_MALFORMED', 'userinfo response: no "person_info" object', 'Singpass sends the Myinfo items in person_info: check that the issuer is the FAPI one.');
    }
    return { sub: claims.sub, personInfo: personInfo as PersonInfo, claims: claims as Record<string, unknown> };
  }
}

/**
 * oauth4webapi reads a userinfo answer as a JWT only when its content type is application/jwt.
 * A 200 whose body is a compact JWE under another type (text/plain, application/jose) is relabelled;
 * plain JSON stays JSON (and is refused: Singpass always encrypts).
 */
function jwtContentType(response: Response): Response {
  const type = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (response.status !== 200 || type === 'application/jwt' || type === 'application/json') return response;
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/jwt');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
