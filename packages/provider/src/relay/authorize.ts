/**
 * GET /v2/oauth/authorize. Checks, top to bottom, in the order RFC 6749 §4.1.2.1 requires:
 * first what decides whether we may redirect at all (client, redirect URI), then everything
 * else, whose errors go back to the client's redirect URI.
 */
import { OAuthError, invalidRequest, notFound } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import type { ClientRecord } from '../store/types.js';
import { grantFor } from '../login/grant.js';
import type { LoginRecord } from '../login/records.js';
import { startLogin } from '../login/states.js';
import {
  checkCodeChallenge,
  checkLength,
  checkRedirectUri,
  checkResponseType,
  checkScopes,
  optionalParam,
  requiredParam,
} from './checks.js';
import type { Params } from './checks.js';
import { issueCode } from './code.js';
import { errorRedirect } from './redirect.js';

export type AuthorizeOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'wait'; login: LoginRecord; pollToken: string; client: ClientRecord };

const MAX_STATE = 2048;

export async function authorize(ctx: ProviderContext, params: Params, rawQuery: string): Promise<AuthorizeOutcome> {
  // Errors here are shown on a page, never redirected: the redirect URI is not yet trusted.
  const clientId = requiredParam(params, 'client_id', false);
  const redirectUri = requiredParam(params, 'redirect_uri', false);
  checkLength('client_id', clientId, 256, false);
  const client = await ctx.store.getClient(clientId);
  if (!client) {
    throw new OAuthError('invalid_request', `unknown client_id "${clientId}": register the client first (portal or \`sgid-provider clients create\`)`);
  }
  checkRedirectUri(client, redirectUri);

  let state: string | undefined;
  try {
    state = optionalParam(params, 'state');
    checkLength('state', state, MAX_STATE);
    checkResponseType(requiredParam(params, 'response_type'));
    const scopes = checkScopes(client, requiredParam(params, 'scope'));
    const codeChallenge = checkCodeChallenge(
      optionalParam(params, 'code_challenge'),
      optionalParam(params, 'code_challenge_method'),
    );
    const nonce = optionalParam(params, 'nonce');
    checkLength('nonce', nonce, MAX_STATE);
    if (optionalParam(params, 'request') !== undefined || optionalParam(params, 'request_uri') !== undefined) {
      throw invalidRequest('request objects ("request", "request_uri") are not supported by sgID');
    }
    const req = {
      clientId,
      redirectUri,
      codeChallenge,
      scopes,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(state !== undefined ? { state } : {}),
    };
    ctx.metrics.loginsStarted++;

    if (ctx.config.autoApprove) {
      const persona = await ctx.personas.get(ctx.config.autoApprove);
      if (!persona) throw notFound(`--auto-approve persona "${ctx.config.autoApprove}" does not exist`);
      return { kind: 'redirect', location: await issueCode(ctx, req, await grantFor(ctx, client, persona, scopes)) };
    }

    const { login, pollToken } = await startLogin(ctx, { ...req, authorizeQuery: rawQuery });
    return { kind: 'wait', login, pollToken, client };
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) {
      return { kind: 'redirect', location: errorRedirect(redirectUri, err, state) };
    }
    throw err;
  }
}
