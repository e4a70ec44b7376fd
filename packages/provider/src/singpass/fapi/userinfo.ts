/**
 * GET <fapi>/userinfo — Myinfo data for a Myinfo app. Steps: `Authorization: DPoP <token>`
 * (Bearer is refused: the token is DPoP-bound); a DPoP proof for this request with `ath`, from
 * the token's key; the token (known, unexpired, not revoked, this issuer's); a Myinfo app; then
 * exactly the requested items, as a JWS inside a JWE (A256GCM) to the client. Every error
 * carries WWW-Authenticate (RFC 9449 §7.1); http.ts adds it for the 'dpop' error format.
 */
import { OAuthError, invalidToken, getMyinfoItem, SINGPASS_ENC } from 'sgid-protocol';
import { storageKey } from '../../util/secrets.js';
import { personInfo } from '../../wallet/personas/index.js';
import { checkDpopProof } from '../checks/dpop.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';
import type { SingpassTokenRecord } from '../records.js';
import { keysUnavailable } from '../rp-keys.js';
import { userinfoJwe } from '../tokens.js';

const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The access token from `Authorization: DPoP <token>`. */
export function readDpopAuthorization(authorization: string | string[] | undefined, query: Record<string, unknown>): string {
  if (Array.isArray(authorization)) throw new OAuthError('invalid_request', 'send one Authorization header', { status: 400 });
  if (authorization === undefined) {
    if (query['access_token'] !== undefined) {
      throw new OAuthError('invalid_request', 'access tokens in the query string are not accepted: send "Authorization: DPoP <access_token>" and a DPoP proof');
    }
    throw invalidToken('no access token: send "Authorization: DPoP <access_token>" with a DPoP proof');
  }
  const [scheme, token, ...rest] = authorization.trim().split(/ +/);
  if (scheme?.toLowerCase() === 'bearer') {
    throw invalidToken('the access token is DPoP-bound: send it as "Authorization: DPoP <access_token>", not Bearer, with a DPoP proof');
  }
  if (scheme?.toLowerCase() !== 'dpop' || token === undefined || rest.length > 0 || !TOKEN.test(token)) {
    throw new OAuthError('invalid_request', 'the Authorization header must be "DPoP <access_token>"');
  }
  return token;
}

export async function fapiUserinfo(
  sp: SingpassContext,
  mount: Mount,
  method: 'GET' | 'POST',
  authorization: string | string[] | undefined,
  dpop: string | string[] | undefined,
  query: Record<string, unknown>,
): Promise<string> {
  const token = readDpopAuthorization(authorization, query);
  const record = await sp.ctx.store.get<SingpassTokenRecord>('sp-token', storageKey(token));
  if (!record || record.mount !== mount.name) throw invalidToken('the access token is unknown, expired (30 minutes) or revoked');
  await checkDpopProof({
    proof: dpop,
    method,
    url: mount.url('userinfo'),
    now: sp.now(),
    skew: sp.lifetimes.clockSkew,
    replay: sp.replay,
    accessToken: token,
    ...(record.jkt !== undefined ? { expectedJkt: record.jkt } : {}),
    status: 401,
  });
  const client = await sp.ctx.store.getSingpassClient(record.clientId);
  if (!client) throw invalidToken('the client this token was issued to no longer exists');
  if (client.appType !== 'myinfo') {
    throw new OAuthError('insufficient_scope', 'userinfo is for Myinfo apps: a Login app reads the person from the ID token (sub_attributes)', { status: 403 });
  }
  const persona = await sp.ctx.personas.byUuid(record.uuid);
  if (!persona) throw invalidToken('the person this token was issued for no longer exists on this provider');
  const keys = await sp.rpKeys.keysFor(client).catch((err: unknown) => keysUnavailable(err, 'invalid_request'));
  const items = record.scopes.filter((s) => getMyinfoItem(s) !== undefined);
  return userinfoJwe(sp, mount, client.id, keys, record.uuid, personInfo(persona, items), SINGPASS_ENC.userinfo);
}
