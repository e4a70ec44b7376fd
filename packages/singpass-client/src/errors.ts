/**
 * Typed errors with stable codes. Every error the SDK throws is a {@link SingpassError}: switch
 * on its `code`, show or log its `hint` (what to check to fix it). The message never carries a
 * token, a key or personal data.
 */

/** Every code a {@link SingpassError} can carry. Stable: codes may be added, none renamed. */
export type SingpassErrorCode =
  // configuration and arguments
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INVALID_KEYS'
  | 'ERR_INSECURE_ISSUER'
  | 'ERR_APP_TYPE'
  // talking to Singpass
  | 'ERR_NETWORK'
  | 'ERR_DISCOVERY'
  | 'ERR_OAUTH_RESPONSE'
  | 'ERR_UNEXPECTED_RESPONSE'
  | 'ERR_DPOP_NONCE'
  | 'ERR_TOKEN_TYPE'
  // the redirect back to the app
  | 'ERR_STATE_MISMATCH'
  | 'ERR_AUTHORIZATION_ERROR'
  | 'ERR_MISSING_CODE'
  | 'ERR_INVALID_CALLBACK'
  | 'ERR_INVALID_SESSION'
  // the ID token
  | 'ERR_ID_TOKEN_NOT_ENCRYPTED'
  | 'ERR_ID_TOKEN_DECRYPT'
  | 'ERR_ID_TOKEN_MALFORMED'
  | 'ERR_ID_TOKEN_ALG'
  | 'ERR_ID_TOKEN_SIGNATURE'
  | 'ERR_ID_TOKEN_ISSUER'
  | 'ERR_ID_TOKEN_AUDIENCE'
  | 'ERR_ID_TOKEN_EXPIRED'
  | 'ERR_ID_TOKEN_IAT'
  | 'ERR_ID_TOKEN_NONCE'
  | 'ERR_ID_TOKEN_CLAIM_MISSING'
  // Singpass's signing keys
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_INVALID'
  // userinfo (Myinfo apps)
  | 'ERR_USERINFO_NOT_ENCRYPTED'
  | 'ERR_USERINFO_DECRYPT'
  | 'ERR_USERINFO_MALFORMED'
  | 'ERR_USERINFO_ALG'
  | 'ERR_USERINFO_SIGNATURE'
  | 'ERR_USERINFO_ISSUER'
  | 'ERR_USERINFO_AUDIENCE'
  | 'ERR_USERINFO_CLAIM_MISSING'
  | 'ERR_SUB_MISMATCH'
  // login-flow helper
  | 'ERR_LOGIN_COOKIE_MISSING'
  | 'ERR_LOGIN_COOKIE_INVALID'
  | 'ERR_LOGIN_EXPIRED'
  | 'ERR_LOGIN_ALREADY_FINISHED';

/** Base class of every error this SDK throws. `instanceof Error` holds. */
export class SingpassError extends Error {
  /** A stable code to switch on. */
  readonly code: SingpassErrorCode;
  /** What to check to fix it, in a sentence or two. */
  readonly hint: string;

  constructor(code: SingpassErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SingpassError';
    this.code = code;
    this.hint = hint;
  }
}

/** A mistake in the SDK's configuration or in the arguments of a call: fix the code, not the network. */
export class SingpassConfigError extends SingpassError {
  constructor(code: SingpassErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SingpassConfigError';
  }
}

/**
 * Singpass answered with an OAuth error (`invalid_grant`, `invalid_dpop_proof`…), could not be
 * reached, or answered something the protocol does not allow. Reads like `"invalid_grant (code expired)"`.
 */
export class SingpassResponseError extends SingpassError {
  /** The OAuth `error` code, e.g. `invalid_client` (absent for network failures). */
  readonly error: string | undefined;
  /** The OAuth `error_description`, when Singpass sent one. */
  readonly errorDescription: string | undefined;
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** Which request failed: `discovery`, `jwks`, `par`, `token` or `userinfo`. */
  readonly endpoint: string | undefined;

  constructor(
    code: SingpassErrorCode,
    message: string,
    hint: string,
    details: { error?: string; errorDescription?: string; status?: number; endpoint?: string; cause?: unknown } = {},
  ) {
    super(code, message, hint, { cause: details.cause });
    this.name = 'SingpassResponseError';
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.status = details.status;
    this.endpoint = details.endpoint;
  }
}

/** The ID token failed a check (encryption, signature, issuer, audience, expiry, nonce…). Never trust its claims. */
export class SingpassIdTokenError extends SingpassError {
  constructor(code: SingpassErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SingpassIdTokenError';
  }
}

/** The userinfo response failed a check, or belongs to someone else. Never use its data. */
export class SingpassUserinfoError extends SingpassError {
  constructor(code: SingpassErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SingpassUserinfoError';
  }
}

/** The redirect back to the app was refused: an error from Singpass, a wrong state, a missing or bad login cookie. */
export class SingpassLoginError extends SingpassError {
  /** The OAuth `error` of an error redirect (e.g. `access_denied`), if that is what came back. */
  readonly error: string | undefined;

  constructor(code: SingpassErrorCode, message: string, hint: string, options?: { cause?: unknown; error?: string }) {
    super(code, message, hint, options);
    this.name = 'SingpassLoginError';
    this.error = options?.error;
  }
}
