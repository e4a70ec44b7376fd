/** The legacy issuer's OpenID Provider metadata, with the fields Singpass's legacy discovery document has. */
import { SINGPASS_ENC, SINGPASS_KEY_WRAP_ALGS, SINGPASS_SIGNING_ALGS } from 'sgid-protocol';
import type { Mount } from '../mounts.js';

export function legacyDiscovery(mount: Mount): Record<string, unknown> {
  return {
    issuer: mount.issuer,
    authorization_endpoint: mount.url('authorize'),
    token_endpoint: mount.url('token'),
    userinfo_endpoint: mount.url('userinfo'),
    jwks_uri: mount.url('jwks'),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    scopes_supported: ['openid'],
    subject_types_supported: ['public'],
    claims_supported: ['nonce', 'aud', 'iss', 'sub', 'exp', 'iat', 'amr'],
    grant_types_supported: ['authorization_code'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...SINGPASS_SIGNING_ALGS],
    id_token_signing_alg_values_supported: ['ES256'],
    id_token_encryption_alg_values_supported: [...SINGPASS_KEY_WRAP_ALGS],
    id_token_encryption_enc_values_supported: [SINGPASS_ENC.idToken],
    userinfo_signing_alg_values_supported: ['ES256'],
    userinfo_encryption_alg_values_supported: [...SINGPASS_KEY_WRAP_ALGS],
    userinfo_encryption_enc_values_supported: [SINGPASS_ENC.legacyUserinfo],
  };
}
