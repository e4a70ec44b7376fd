/**
 * client_secret_post authentication, with brute-force protection: after too many failures
 * for one client id in a minute, that client id (only) gets 429 until the minute is over.
 */
import { OAuthError, invalidClient, tooManyRequests } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import type { InspectStep } from '../inspector/step.js';
import type { ClientRecord } from '../store/types.js';
import { secretMatches } from '../util/secrets.js';
import { optionalParam } from './checks.js';
import type { Params } from './checks.js';

const WINDOW_MS = 60_000;

export async function authenticateClient(
  ctx: ProviderContext,
  params: Params,
  authorization: string | undefined,
  s?: InspectStep,
): Promise<ClientRecord> {
  const clientId = optionalParam(params, 'client_id', false);
  const secret = optionalParam(params, 'client_secret', false);
  if (authorization?.toLowerCase().startsWith('basic ') && secret === undefined) {
    throw invalidClient('client_secret_basic is not supported: send client_id and client_secret in the form body (client_secret_post)');
  }
  if (!clientId) throw invalidClient('client_id is missing from the form body');
  if (clientId.length > 256) throw invalidClient('client_id is too long');
  const rateKey = `auth-failures:${clientId}`;
  const failures = (await ctx.store.get<number>('rate', rateKey)) ?? 0;
  if (failures >= ctx.config.authFailureLimit) {
    const err = tooManyRequests(
      `too many failed authentications for client "${clientId}"; wait a minute and check client_secret`,
      Math.ceil(WINDOW_MS / 1000),
    );
    s?.check('rate_limit', () => {
      throw err;
    });
    throw err;
  }
  const fail = async (err: OAuthError): Promise<never> => {
    await ctx.store.increment('rate', rateKey, WINDOW_MS);
    throw err;
  };
  if (!secret) return fail(invalidClient('client_secret is missing from the form body (client_secret_post)'));
  const client = await ctx.store.getClient(clientId);
  if (!client) return fail(invalidClient(`unknown client_id "${clientId}"`));
  // The inspector files the request under this client from here on, even when the secret is wrong.
  s?.client(client.id);
  if (!secretMatches(secret, client.secretHash)) {
    return fail(invalidClient(`client_secret is wrong for client "${clientId}" (it may have been rotated in the portal)`));
  }
  return client;
}
