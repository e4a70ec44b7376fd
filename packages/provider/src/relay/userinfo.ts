/** GET|POST /v2/oauth/userinfo — Bearer token in the Authorization header only (RFC 6750 §2.1). */
import { OAuthError, invalidToken } from 'sgid-protocol';
import type { UserinfoResponse } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { storageKey } from '../util/secrets.js';
import type { Params } from './checks.js';
import type { TokenRecord } from './records.js';

export async function userinfo(
  ctx: ProviderContext,
  authorization: string | string[] | undefined,
  query: Params,
): Promise<UserinfoResponse> {
  if (Array.isArray(authorization)) throw new OAuthError('invalid_request', 'send one Authorization header');
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
  const record = await ctx.store.get<TokenRecord>('token', storageKey(match[1]!));
  if (!record) throw invalidToken('the access token is unknown, expired or revoked');
  const { sub, encrypted } = record.grant;
  return encrypted ? { sub, key: encrypted.key, data: encrypted.data } : { sub };
}
