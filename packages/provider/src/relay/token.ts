/**
 * POST /v2/oauth/token — authorization_code grant with client_secret_post and PKCE.
 * The code is looked up, checked, then consumed atomically: of two concurrent redemptions
 * one wins; the other is a replay, which also revokes the token the winner got (RFC 6749
 * §4.1.2). Winner and loser each write a marker and then read the other's, so at least one
 * of them sees the replay whatever the interleaving.
 */
import { invalidGrant, invalidRequest, unsupportedGrantType } from 'sgid-protocol';
import type { TokenResponse } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { maskParams, maskSecret } from '../inspector/mask.js';
import type { InspectStep } from '../inspector/step.js';
import { randomToken, storageKey } from '../util/secrets.js';
import { checkCodeVerifier, optionalParam, requiredParam } from './checks.js';
import type { Params } from './checks.js';
import { authenticateClient } from './client-auth.js';
import { issueIdToken } from './id-token.js';
import type { CodeRecord, TokenRecord, UsedCodeRecord } from './records.js';

/** Leaves the replay marker, then revokes the token of the redemption that won, if any. True if there was one. */
async function markReplay(ctx: ProviderContext, codeKey: string): Promise<boolean> {
  const ttl = ctx.config.tokenTtl * 1000;
  await ctx.store.put('used-code', `${codeKey}:replayed`, true, ttl);
  const used = await ctx.store.get<UsedCodeRecord>('used-code', codeKey);
  if (used) await ctx.store.delete('token', used.tokenKey);
  return used !== undefined;
}

const codeReused = () =>
  invalidGrant('this code has already been used; codes are single use, so the access token issued from it has been revoked');

async function refuseReplay(ctx: ProviderContext, codeKey: string): Promise<never> {
  await markReplay(ctx, codeKey);
  throw codeReused();
}

/** The checked code record, or the refusal: unknown, expired, or used before (a replay). */
async function loadCode(ctx: ProviderContext, codeKey: string): Promise<CodeRecord> {
  const record = await ctx.store.get<CodeRecord>('code', codeKey);
  if (record) return record;
  // The code may have been consumed a moment ago by a redemption that has not yet written
  // its used-code record: the marker goes first, so that redemption sees it either way.
  if (await markReplay(ctx, codeKey)) throw codeReused();
  throw invalidGrant(`code is unknown or expired (codes are valid for ${ctx.config.codeTtl} seconds and single use)`);
}

export async function exchangeCode(
  ctx: ProviderContext,
  params: Params,
  authorization: string | undefined,
  s: InspectStep,
): Promise<TokenResponse> {
  s.request(maskParams(params));
  s.check('grant_type', () => {
    const grantType = requiredParam(params, 'grant_type', false);
    if (grantType !== 'authorization_code') {
      throw unsupportedGrantType(`grant_type "${grantType}" is not supported: sgID supports only "authorization_code"`);
    }
  });
  const client = await s.check('client_secret', () => authenticateClient(ctx, params, authorization, s));
  const { code, redirectUri, codeVerifier } = s.check('params', () => ({
    code: requiredParam(params, 'code', false),
    redirectUri: requiredParam(params, 'redirect_uri', false),
    codeVerifier: optionalParam(params, 'code_verifier', false),
  }));
  if (!codeVerifier) {
    s.check('pkce_verifier', () => {
      throw invalidRequest('code_verifier is missing: sgID requires PKCE; send the verifier whose S256 challenge went to authorize', false);
    });
  }

  const codeKey = storageKey(code);
  const record = await s.check('code', () => loadCode(ctx, codeKey));
  s.check('code_client', () => {
    if (record.clientId !== client.id) throw invalidGrant('code was issued to another client');
  });
  s.trace(record.trace);
  s.check('code_redirect_uri', () => {
    if (record.redirectUri !== redirectUri) {
      throw invalidGrant(`redirect_uri "${redirectUri}" differs from the one sent to authorize ("${record.redirectUri}")`);
    }
  });
  s.check('pkce_verifier', () => checkCodeVerifier(codeVerifier!, record.codeChallenge));
  await s.check('code_single_use', async () => {
    if (!(await ctx.store.consume<CodeRecord>('code', codeKey))) return refuseReplay(ctx, codeKey);
  });

  const accessToken = randomToken(32);
  const tokenKey = storageKey(accessToken);
  const ttl = ctx.config.tokenTtl * 1000;
  const tokenRecord: TokenRecord = {
    clientId: client.id,
    scopes: record.scopes,
    grant: record.grant,
    expiresAt: ctx.now() + ttl,
    ...(record.trace !== undefined ? { trace: record.trace } : {}),
  };
  await ctx.store.put('used-code', codeKey, { tokenKey } satisfies UsedCodeRecord, ttl);
  await ctx.store.put('token', tokenKey, tokenRecord, ttl);
  if (await ctx.store.get('used-code', `${codeKey}:replayed`)) {
    await ctx.store.delete('token', tokenKey);
    s.check('code_single_use', () => {
      throw invalidGrant('this code was presented twice at once; codes are single use, so no token is issued');
    });
  }
  const claims = { sub: record.grant.sub, clientId: client.id, ...(record.nonce !== undefined ? { nonce: record.nonce } : {}) };
  const idToken = await issueIdToken(ctx, claims);
  s.response({
    token_type: 'Bearer',
    access_token: maskSecret(accessToken),
    expires_in: ctx.config.tokenTtl,
    scope: record.scopes.join(' '),
    id_token: { header: idToken.header, claims: { ...idToken.payload, sub: maskSecret(String(idToken.payload.sub)) } },
  });
  return {
    access_token: accessToken,
    id_token: idToken.token,
    token_type: 'Bearer',
    expires_in: ctx.config.tokenTtl,
    scope: record.scopes.join(' '),
  };
}
