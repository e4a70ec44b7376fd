/**
 * POST <fapi>/token — the authorization code for a DPoP-bound access token and an encrypted ID
 * token. Steps: grant_type; the client's assertion; code, redirect_uri, code_verifier; the DPoP
 * proof (required); the code (known, this client's, this issuer's, same redirect URI, same DPoP
 * key as at PAR, PKCE); then consumed once. A code presented twice revokes the access token the
 * first redemption got (RFC 6749 §4.1.2), as the sgID relay does.
 */
import { invalidDpopProof, invalidGrant, invalidRequest } from 'sgid-protocol';
import type { SingpassTokenResponse } from 'sgid-protocol';
import type { Params } from '../../oauth/params.js';
import { storageKey } from '../../util/secrets.js';
import { checkDpopProof } from '../checks/dpop.js';
import { checkGrantType, checkSingpassVerifier, readTokenParams } from '../checks/grant.js';
import { authenticateSingpassClient } from '../client-auth.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';
import type { SingpassCodeRecord, SingpassTokenRecord, SingpassUsedCodeRecord } from '../records.js';
import { redeemCode } from '../redeem.js';
import { accessToken, fapiIdToken } from '../tokens.js';

export async function exchangeFapiCode(
  sp: SingpassContext,
  mount: Mount,
  params: Params,
  dpop: string | string[] | undefined,
): Promise<SingpassTokenResponse> {
  checkGrantType(params);
  const { client, keys } = await authenticateSingpassClient(sp, params, mount, 'token');
  const { code, redirectUri, codeVerifier } = readTokenParams(params, true);
  if (dpop === undefined) throw invalidRequest('the DPoP header is missing: the token request needs a proof signed with the key used at PAR', false);
  const { jkt } = await checkDpopProof({ proof: dpop, method: 'POST', url: mount.url('token'), now: sp.now(), skew: sp.lifetimes.clockSkew, replay: sp.replay });

  return redeemCode(sp, code, async (record: SingpassCodeRecord) => {
    if (record.clientId !== client.id) throw invalidGrant('code was issued to another client');
    if (record.mount !== mount.name) throw invalidGrant(`code was issued by another issuer than ${mount.issuer}`);
    if (record.redirectUri !== redirectUri) throw invalidGrant(`redirect_uri "${redirectUri}" differs from the one pushed ("${record.redirectUri}")`);
    if (record.jkt !== jkt) throw invalidDpopProof('DPoP proof is signed with another key than the one bound at PAR: use the same DPoP key from PAR to token to userinfo');
    checkSingpassVerifier(codeVerifier, record.codeChallenge);
  }, async (record, codeKey) => {
    const persona = await sp.ctx.personas.byUuid(record.grant.uuid);
    if (!persona) throw invalidGrant('the person who approved this login no longer exists on this provider (was a persona removed?)');
    const token = accessToken(sp, mount, client.id, record.grant.uuid, record.scopes, jkt);
    const tokenRecord: SingpassTokenRecord = {
      mount: mount.name,
      clientId: client.id,
      scopes: record.scopes,
      uuid: record.grant.uuid,
      jkt,
      expiresAt: sp.ctx.now() + sp.lifetimes.accessToken * 1000,
    };
    const idToken = fapiIdToken(sp, mount, client.id, keys, record.grant, persona, record.scopes, record.nonce);
    return { tokenKey: storageKey(token), tokenRecord, response: { access_token: token, id_token: idToken, token_type: 'DPoP', expires_in: sp.lifetimes.accessToken } };
  });
}

