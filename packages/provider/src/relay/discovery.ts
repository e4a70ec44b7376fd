/** OpenID Provider metadata: what a generic RP (openid-client) needs to talk to us. */
import { PATHS, SCOPES } from 'sgid-protocol';
import type { Config } from '../config.js';

export function discoveryDocument(config: Config): Record<string, unknown> {
  const o = config.publicUrl;
  return {
    issuer: config.issuer,
    authorization_endpoint: `${o}${PATHS.authorize}`,
    token_endpoint: `${o}${PATHS.token}`,
    userinfo_endpoint: `${o}${PATHS.userinfo}`,
    jwks_uri: `${o}${PATHS.jwks}`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: SCOPES.map((s) => s.scope),
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'nonce'],
  };
}
