/**
 * POST /token (legacy): the code for a Bearer access token and the ID token of the client's
 * profile. Steps: grant_type; the client's assertion (aud = the legacy issuer; its optional
 * `code` claim must be this code); code, redirect_uri, code_verifier, and `scope` if sent (only
 * openid); the code (this client's, this issuer's, same redirect URI, PKCE), consumed once.
 * No DPoP in this generation. A Login app's access token is an opaque string it cannot use;
 * a Myinfo app's is a JWT for userinfo.
 */
import { invalidClient, invalidGrant, invalidScope } from 'sgid-protocol';
import type { LegacyTokenResponse } from 'sgid-protocol';
import { optionalParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';
import { randomToken, storageKey } from '../../util/secrets.js';
import { checkGrantType, checkSingpassVerifier, readTokenParams } from '../checks/grant.js';
import { authenticateSingpassClient } from '../client-auth.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';
import type { SingpassCodeRecord, SingpassTokenRecord } from '../records.js';
import { redeemCode } from '../redeem.js';
import { accessToken, legacyIdToken } from '../tokens.js';

export async function exchangeLegacyCode(sp: SingpassContext, mount: Mount, params: Params): Promise<LegacyTokenResponse> {
  checkGrantType(params);
  const { client, keys, claims } = await authenticateSingpassClient(sp, params, mount, 'token');
  const { code, redirectUri, codeVerifier } = readTokenParams(params, true);
  const scope = optionalParam(params, 'scope', false);
  if (scope !== undefined && scope !== 'openid') throw invalidScope('the legacy token request takes scope "openid" only (or none)');
  if (claims['code'] !== undefined && claims['code'] !== code) throw invalidClient('client_assertion "code" claim differs from the code in the form');

  return redeemCode(
    sp,
    code,
    async (record: SingpassCodeRecord) => {
      if (record.clientId !== client.id) throw invalidGrant('code was issued to another client');
      if (record.mount !== mount.name) throw invalidGrant(`code was issued by another issuer than ${mount.issuer}`);
      if (record.redirectUri !== redirectUri) throw invalidGrant(`redirect_uri "${redirectUri}" differs from the one of the authorization request ("${record.redirectUri}")`);
      checkSingpassVerifier(codeVerifier, record.codeChallenge);
    },
    async (record) => {
      const persona = await sp.ctx.personas.byUuid(record.grant.uuid);
      if (!persona) throw invalidGrant('the person who approved this login no longer exists on this provider (was a persona removed?)');
      const token = client.appType === 'myinfo' ? accessToken(sp, mount, client.id, record.grant.uuid, record.scopes, undefined) : randomToken(32);
      const tokenRecord: SingpassTokenRecord = {
        mount: mount.name,
        clientId: client.id,
        scopes: record.scopes,
        uuid: record.grant.uuid,
        expiresAt: sp.ctx.now() + sp.lifetimes.accessToken * 1000,
      };
      const idToken = legacyIdToken(sp, mount, client, keys, record.grant, persona, record.nonce);
      return {
        tokenKey: storageKey(token),
        tokenRecord,
        response: { access_token: token, token_type: 'Bearer', id_token: idToken, expires_in: sp.lifetimes.accessToken },
      };
    },
  );
}
