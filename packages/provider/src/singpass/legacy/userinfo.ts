/**
 * GET /userinfo (legacy): `Authorization: Bearer <access token>` of a Myinfo app; the requested
 * Myinfo items at the root of a JWS inside a JWE (A256CBC-HS512, as the legacy docs' sample).
 */
import { OAuthError, getMyinfoItem, invalidToken } from 'sgid-protocol';
import { storageKey } from '../../util/secrets.js';
import { personInfo } from '../../wallet/personas/index.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';
import type { SingpassTokenRecord } from '../records.js';
import { keysUnavailable } from '../rp-keys.js';
import { legacySub, legacyUserinfoJwe } from '../tokens.js';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export async function legacyUserinfo(sp: SingpassContext, mount: Mount, authorization: string | string[] | undefined, query: Record<string, unknown>): Promise<string> {
  if (Array.isArray(authorization)) throw new OAuthError('invalid_request', 'send one Authorization header');
  if (authorization === undefined) {
    if (query['access_token'] !== undefined) throw new OAuthError('invalid_request', 'access tokens in the query string are not accepted: send "Authorization: Bearer <access_token>"');
    throw invalidToken('no access token: send "Authorization: Bearer <access_token>"');
  }
  const match = BEARER.exec(authorization);
  if (!match) throw new OAuthError('invalid_request', 'the Authorization header must be "Bearer <access_token>"');
  const record = await sp.ctx.store.get<SingpassTokenRecord>('sp-token', storageKey(match[1]!));
  if (!record || record.mount !== mount.name) throw invalidToken('the access token is unknown, expired (30 minutes) or revoked');
  const client = await sp.ctx.store.getSingpassClient(record.clientId);
  if (!client) throw invalidToken('the client this token was issued to no longer exists');
  if (client.appType !== 'myinfo') {
    throw new OAuthError('insufficient_scope', 'userinfo is for Myinfo apps: a Login app reads the person from the ID token', { status: 403 });
  }
  const persona = await sp.ctx.personas.byUuid(record.uuid);
  if (!persona) throw invalidToken('the person this token was issued for no longer exists on this provider');
  const keys = await sp.rpKeys.keysFor(client).catch((err: unknown) => keysUnavailable(err, 'invalid_request'));
  const items = record.scopes.filter((s) => getMyinfoItem(s) !== undefined);
  return legacyUserinfoJwe(sp, mount, client.id, keys, legacySub(client.legacyProfile, persona, record.uuid), personInfo(persona, items));
}
