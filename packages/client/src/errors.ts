/**
 * Typed errors with stable codes. Where the official SDK throws `new Error(MESSAGE)`, we throw a
 * subclass of `Error` with the same message (so `err.message` comparisons keep working) and add
 * a `code` to switch on and a `hint` that says what to check.
 */

// The official SDK's messages, verbatim (its `error.ts`).
/** @internal */
export const MESSAGES = {
  CODE_VERIFIER_LENGTH: 'Code verifier should have a minimum length of 43 and a maximum length of 128',
  PKCE_PAIR_LENGTH: 'generatePkcePair should receive a minimum length of 43 and a maximum length of 128',
  MISSING_REDIRECT_URI:
    'No redirect URI registered with this client. You must either specify a valid redirect URI in the SgidClient constructor, or pass it to the authorizationUrl and callback functions.',
  NO_SUB: 'Authorization server did not return the sub claim',
  NO_ACCESS_TOKEN: 'Authorization server did not return an access token',
  // The official error.ts also has 'Authorization server did not return an ID token', but its
  // callback never reaches it: openid-client's TokenSet throws this TypeError first, so this is
  // what its users see.
  NO_ID_TOKEN: 'id_token not present in TokenSet',
  PRIVATE_KEY_IMPORT: 'Failed to import private key. Check that privateKey is a valid PKCS1 or PKCS8 key.',
  DECRYPT_BLOCK_KEY: 'Unable to decrypt or import payload key. Check that you used the correct private key.',
  DECRYPT_PAYLOAD: 'Unable to decrypt payload',
  SUB_MISMATCH:
    'Sub returned by sgID did not match the sub passed to the userinfo method. Check that you passed the correct sub to the userinfo method.',
  INVALID_USERINFO_DATA: 'Failed to parse sgID userinfo data object. Check that the input is a valid object.',
} as const;

/** Every code an {@link SgidError} can carry. Stable: new codes may be added, none renamed. */
export type SgidErrorCode =
  // configuration and arguments
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_CODE_VERIFIER_LENGTH'
  | 'ERR_PKCE_PAIR_LENGTH'
  | 'ERR_MISSING_REDIRECT_URI'
  | 'ERR_PRIVATE_KEY_IMPORT'
  // talking to the provider
  | 'ERR_NETWORK'
  | 'ERR_OAUTH_RESPONSE'
  | 'ERR_UNEXPECTED_RESPONSE'
  | 'ERR_NO_ID_TOKEN'
  | 'ERR_NO_ACCESS_TOKEN'
  | 'ERR_NO_SUB'
  // ID token validation
  | 'ERR_ID_TOKEN_MALFORMED'
  | 'ERR_ID_TOKEN_ALG'
  | 'ERR_ID_TOKEN_CLAIM_MISSING'
  | 'ERR_ID_TOKEN_ISSUER'
  | 'ERR_ID_TOKEN_AUDIENCE'
  | 'ERR_ID_TOKEN_EXPIRED'
  | 'ERR_ID_TOKEN_NOT_YET_VALID'
  | 'ERR_ID_TOKEN_NONCE'
  | 'ERR_ID_TOKEN_AT_HASH'
  | 'ERR_ID_TOKEN_SIGNATURE'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_INVALID'
  // userinfo
  | 'ERR_SUB_MISMATCH'
  | 'ERR_DECRYPT_BLOCK_KEY'
  | 'ERR_DECRYPT_PAYLOAD'
  | 'ERR_INVALID_USERINFO_DATA'
  // login flow helper
  | 'ERR_STATE_MISMATCH'
  | 'ERR_LOGIN_COOKIE_MISSING'
  | 'ERR_LOGIN_COOKIE_INVALID'
  | 'ERR_LOGIN_EXPIRED'
  | 'ERR_LOGIN_ALREADY_FINISHED'
  | 'ERR_AUTHORIZATION_ERROR'
  | 'ERR_MISSING_CODE';

/** Base class of every error this SDK throws. `instanceof Error` still holds. */
export class SgidError extends Error {
  /** A stable code to switch on. */
  readonly code: SgidErrorCode;
  /** What to check to fix it, in one sentence. */
  readonly hint: string;

  constructor(code: SgidErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SgidError';
    this.code = code;
    this.hint = hint;
  }

  // SgidMissingIdTokenError has to extend TypeError (the official SDK throws one), so it cannot
  // also extend this class; this keeps `err instanceof SgidError` (and SgidResponseError) true for
  // it, so that code switching on `code` after an instanceof check still sees it.
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return (this === SgidError || this === SgidResponseError) && value instanceof SgidMissingIdTokenError;
  }
}

/** A mistake in the SDK's configuration or in the arguments of a call. */
export class SgidConfigError extends SgidError {
  constructor(code: SgidErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SgidConfigError';
  }
}

/**
 * The provider answered with an OAuth error (RFC 6749 §5.2, RFC 6750 §3.1), or could not be
 * reached, or answered something that is not what the protocol says.
 * The message reads like openid-client's `OPError`: `"invalid_grant (code expired)"`.
 */
export class SgidResponseError extends SgidError {
  /** The OAuth `error` code, e.g. `invalid_grant` (absent for network failures). */
  readonly error: string | undefined;
  /** The OAuth `error_description`, when the provider sent one. */
  readonly errorDescription: string | undefined;
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined;

  constructor(
    code: SgidErrorCode,
    message: string,
    hint: string,
    details: { error?: string; errorDescription?: string; status?: number; cause?: unknown } = {},
  ) {
    super(code, message, hint, { cause: details.cause });
    this.name = 'SgidResponseError';
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.status = details.status;
  }
}

/**
 * The token response had no `id_token` (`ERR_NO_ID_TOKEN`). A `TypeError` named `TypeError` with
 * the message `id_token not present in TokenSet`, exactly what the official SDK throws (it comes
 * from openid-client), and still `instanceof SgidError` / `SgidResponseError` with a `code` and a
 * `hint`.
 */
export class SgidMissingIdTokenError extends TypeError {
  /** Always `ERR_NO_ID_TOKEN`. */
  readonly code = 'ERR_NO_ID_TOKEN' as const satisfies SgidErrorCode;
  /** What to check to fix it, in one sentence. */
  readonly hint: string;

  constructor(hint: string) {
    super(MESSAGES.NO_ID_TOKEN);
    this.name = 'TypeError';
    this.hint = hint;
  }
}

/** The ID token failed a check (signature, issuer, audience, expiry, nonce…). Never trust its claims. */
export class SgidIdTokenError extends SgidError {
  constructor(code: SgidErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SgidIdTokenError';
  }
}

/** The userinfo response could not be decrypted or does not belong to this user. */
export class SgidUserinfoError extends SgidError {
  constructor(code: SgidErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SgidUserinfoError';
  }
}

/** The login-flow helper refused a callback (state, cookie, provider error). */
export class SgidLoginError extends SgidError {
  constructor(code: SgidErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(code, message, hint, options);
    this.name = 'SgidLoginError';
  }
}
