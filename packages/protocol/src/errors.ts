/**
 * One error hierarchy for the protocol: each error carries its OAuth `error` code
 * (RFC 6749 §4.1.2.1 / §5.2, RFC 6750 §3.1), its HTTP status, and whether the
 * authorization endpoint may send it back to the client's redirect URI.
 */

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_token'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_expired'
  | 'not_found'
  | 'too_many_requests'
  // Singpass (FAPI 2.0): a DPoP proof that fails a check (RFC 9449 §5, §7.1), a request_uri
  // that is unknown, expired or used (RFC 9126 §4), a token without the scope an endpoint needs
  // (RFC 6750 §3.1).
  | 'invalid_dpop_proof'
  | 'invalid_request_uri'
  | 'insufficient_scope';

export class OAuthError extends Error {
  /** The OAuth error code sent on the wire. */
  readonly error: OAuthErrorCode;
  /** The HTTP status this error is answered with. */
  readonly status: number;
  /**
   * Whether the authorization endpoint may redirect it to the client. False for errors about
   * the client or the redirect URI themselves (RFC 6749 §4.1.2.1): those are shown, never sent.
   */
  readonly redirectable: boolean;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    error: OAuthErrorCode,
    description: string,
    options: { status?: number; redirectable?: boolean; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.status = options.status ?? 400;
    this.redirectable = options.redirectable ?? false;
    this.headers = options.headers ?? {};
  }

  /** The human-readable `error_description`. */
  get description(): string {
    return this.message;
  }

  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

// One small factory per code so that call sites read as the check they make.
export const invalidRequest = (d: string, redirectable = true) => new OAuthError('invalid_request', d, { redirectable });
export const invalidClient = (d: string) => new OAuthError('invalid_client', d, { status: 401 });
export const invalidGrant = (d: string) => new OAuthError('invalid_grant', d);
export const unsupportedGrantType = (d: string) => new OAuthError('unsupported_grant_type', d);
export const unsupportedResponseType = (d: string) => new OAuthError('unsupported_response_type', d, { redirectable: true });
export const invalidScope = (d: string) => new OAuthError('invalid_scope', d, { redirectable: true });
export const accessDenied = (d: string) => new OAuthError('access_denied', d, { redirectable: true });
export const invalidToken = (d: string) => new OAuthError('invalid_token', d, { status: 401 });
export const notFound = (d: string) => new OAuthError('not_found', d, { status: 404 });
export const loginExpired = (d: string) => new OAuthError('login_expired', d, { status: 410 });
export const temporarilyUnavailable = (d: string, cause?: unknown) =>
  new OAuthError('temporarily_unavailable', d, { status: 503, headers: { 'retry-after': '5' }, cause });
export const invalidDpopProof = (d: string, status = 400) => new OAuthError('invalid_dpop_proof', d, { status });
export const invalidRequestUri = (d: string) => new OAuthError('invalid_request_uri', d);
export const tooManyRequests = (d: string, retryAfterSeconds: number) =>
  new OAuthError('too_many_requests', d, { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } });
