/**
 * The FAPI issuer's OpenID Provider metadata. Singpass does not publish its full field list;
 * these are the fields its docs rely on plus what a generic RP (openid-client 6) needs — among
 * them `userinfo_signing_alg_values_supported`, without which openid-client refuses the signed
 * userinfo answer (SINGPASS.md §6).
 */
import {
  AUTHENTICATION_CONTEXT_TYPES,
  LOGIN_APP_SCOPES,
  MYINFO_ITEMS,
  SINGPASS_ENC,
  SINGPASS_KEY_WRAP_ALGS,
  SINGPASS_REQUESTABLE_ACR,
  SINGPASS_SIGNING_ALGS,
} from 'sgid-protocol';
import type { Mount } from '../mounts.js';

export function fapiDiscovery(mount: Mount): Record<string, unknown> {
  return {
    issuer: mount.issuer,
    pushed_authorization_request_endpoint: mount.url('par'),
    authorization_endpoint: mount.url('authorize'),
    token_endpoint: mount.url('token'),
    userinfo_endpoint: mount.url('userinfo'),
    jwks_uri: mount.url('jwks'),
    require_pushed_authorization_requests: true,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    scopes_supported: ['openid', ...LOGIN_APP_SCOPES, ...MYINFO_ITEMS.map((i) => i.item).filter((i) => !(LOGIN_APP_SCOPES as readonly string[]).includes(i))],
    subject_types_supported: ['public'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...SINGPASS_SIGNING_ALGS],
    dpop_signing_alg_values_supported: [...SINGPASS_SIGNING_ALGS],
    id_token_signing_alg_values_supported: ['ES256'],
    id_token_encryption_alg_values_supported: [...SINGPASS_KEY_WRAP_ALGS],
    id_token_encryption_enc_values_supported: [SINGPASS_ENC.idToken],
    userinfo_signing_alg_values_supported: ['ES256'],
    userinfo_encryption_alg_values_supported: [...SINGPASS_KEY_WRAP_ALGS],
    userinfo_encryption_enc_values_supported: [SINGPASS_ENC.userinfo],
    acr_values_supported: [...SINGPASS_REQUESTABLE_ACR],
    claims_supported: ['iss', 'sub', 'sub_type', 'sub_attributes', 'aud', 'iat', 'exp', 'amr', 'acr', 'nonce'],
    request_parameter_supported: false,
    request_uri_parameter_supported: true,
    authentication_context_types_supported: [...AUTHENTICATION_CONTEXT_TYPES],
  };
}
