/** The shapes that travel between the provider and a relying party (SPEC.md). */

/** API version in every path: the issuer is `<origin>/v2`. */
export const API_VERSION = 2;

/** Paths relative to the provider's origin; the official SDK hard-codes them. */
export const PATHS = {
  issuer: '/v2',
  authorize: '/v2/oauth/authorize',
  token: '/v2/oauth/token',
  userinfo: '/v2/oauth/userinfo',
  jwks: '/v2/.well-known/jwks.json',
  discovery: '/v2/.well-known/openid-configuration',
} as const;

/** The issuer for a provider origin (any path in `hostname` is dropped, as the official SDK does). */
export function issuerFor(hostname: string): string {
  return `${new URL(hostname).origin}${PATHS.issuer}`;
}

/** JOSE algorithms of sgID's end-to-end encryption and ID tokens. */
export const ALGORITHMS = {
  idToken: 'RS256',
  /** `key`: the block key (JWK JSON) encrypted to the client's RSA public key. */
  keyAlg: 'RSA-OAEP-256',
  keyEnc: 'A256GCM',
  /** `data[scope]`: each value encrypted under the block key. */
  dataAlg: 'A128GCMKW',
  dataEnc: 'A128GCM',
} as const;

export interface TokenResponse {
  access_token: string;
  id_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
}

export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  nonce?: string;
}

export interface UserinfoResponse {
  sub: string;
  /** Compact JWE of the block key, to the client's public key. Absent when only `openid` was granted. */
  key?: string;
  /** One compact JWE per granted data scope. */
  data?: Record<string, string>;
}

/** The credentials file the portal and CLI hand out once. */
export interface ClientCredentials {
  id: string;
  secret: string;
  name: string;
  description: string;
  scopes: string[];
  redirectUris: string[];
  publicKey: string;
  /** Only when the provider generated the key pair; never stored by the provider. */
  privateKey?: string;
}

export interface OAuthErrorBody {
  error: string;
  error_description?: string;
}
