/** GET|POST /v2/oauth/userinfo — Bearer token in the Authorization header only (RFC 6750 §2.1). */
import { OAuthError, invalidToken } from 'sgid-protocol';
import type { UserinfoResponse } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { maskAuthorization, maskSecret } from '../inspector/mask.js';
import type { InspectStep } from '../inspector/step.js';
import { storageKey } from '../util/secrets.js';
import type { Params } from './checks.js';
import type { TokenRecord } from './records.js';

/** The protected header of a compact JWE, for the inspector ("encrypted how"). */
function jweHeader(jwe: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(jwe.slice(0, jwe.indexOf('.')), 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** How the answer is encrypted, in the inspector's words: algorithms and key, never values. */
function encryptionShown(encrypted: TokenRecord['grant']['encrypted'], to: string | undefined): Record<string, unknown> {
  if (!encrypted) return { data: 'none: only openid was requested' };
  const key = jweHeader(encrypted.key);
  const scopes = Object.keys(encrypted.data);
  const first = scopes.length > 0 ? jweHeader(encrypted.data[scopes[0]!]!) : undefined;
  return {
    key: `${String(key?.['alg'])} + ${String(key?.['enc'])} to the client's public key${to ? ` (JWK thumbprint ${to})` : ''}`,
    data: `${scopes.length} value${scopes.length === 1 ? '' : 's'} (${scopes.join(', ')}), each ${String(first?.['alg'])} + ${String(first?.['enc'])} under the block key`,
  };
}

export async function userinfo(
  ctx: ProviderContext,
  authorization: string | string[] | undefined,
  query: Params,
  s: InspectStep,
): Promise<UserinfoResponse> {
  const token = s.check('bearer_header', () => {
    if (Array.isArray(authorization)) throw new OAuthError('invalid_request', 'send one Authorization header');
    s.request({ authorization: maskAuthorization(authorization) ?? '(absent)' });
    if (authorization === undefined) {
      if (query['access_token'] !== undefined) {
        throw new OAuthError(
          'invalid_request',
          'access tokens in the query string are not accepted (they end up in logs): send "Authorization: Bearer <access_token>"',
        );
      }
      throw invalidToken('no access token: send "Authorization: Bearer <access_token>"');
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
    if (!match) throw new OAuthError('invalid_request', 'the Authorization header must be "Bearer <access_token>"');
    return match[1]!;
  });
  const record = await s.check('access_token', async () => {
    const r = await ctx.store.get<TokenRecord>('token', storageKey(token));
    if (!r) throw invalidToken('the access token is unknown, expired or revoked');
    return r;
  });
  s.client(record.clientId).trace(record.trace);
  const { sub, encrypted, encryptedTo } = record.grant;
  s.response({ sub: maskSecret(sub), scopes: record.scopes.join(' '), ...encryptionShown(encrypted, encryptedTo) });
  return encrypted ? { sub, key: encrypted.key, data: encrypted.data } : { sub };
}
