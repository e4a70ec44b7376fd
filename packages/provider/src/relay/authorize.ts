/**
 * GET /v2/oauth/authorize. Checks, top to bottom, in the order RFC 6749 §4.1.2.1 requires:
 * first what decides whether we may redirect at all (client, redirect URI), then everything
 * else, whose errors go back to the client's redirect URI.
 */
import { OAuthError, invalidRequest, notFound } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { maskNric, maskParams, releasedShown } from '../inspector/mask.js';
import type { InspectStep } from '../inspector/step.js';
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


export async function authorize(ctx: ProviderContext, params: Params, rawQuery: string, s: InspectStep): Promise<AuthorizeOutcome> {
  s.request(maskParams(params));
  // Errors here are shown on a page, never redirected: the redirect URI is not yet trusted.
  const { clientId, redirectUri } = s.check('params', () => {
    const clientId = requiredParam(params, 'client_id', false);
    const redirectUri = requiredParam(params, 'redirect_uri', false);
    checkLength('client_id', clientId, 256, false);
    return { clientId, redirectUri };
  });
  const client = await s.check('client', async () => {
    const c = await ctx.store.getClient(clientId);
    if (!c) {
      throw new OAuthError('invalid_request', `unknown client_id "${clientId}": register the client first (portal or \`sgid-provider clients create\`)`);
    }
    return c;
  });
  s.client(client.id);
  s.check('redirect_uri', () => checkRedirectUri(client, redirectUri));

  let state: string | undefined;
  try {
    // The state goes back with an error about its own length, as before any check of it.
    state = s.check('params', () => optionalParam(params, 'state'));
    s.check('params', () => checkLength('state', state, MAX_STATE));
    s.check('response_type', () => checkResponseType(requiredParam(params, 'response_type')));
    const scopes = s.check('scope', () => checkScopes(client, requiredParam(params, 'scope')));
    const codeChallenge = s.check('pkce_challenge', () =>
      checkCodeChallenge(optionalParam(params, 'code_challenge'), optionalParam(params, 'code_challenge_method')),
    );
    const nonce = s.check('params', () => {
      const v = optionalParam(params, 'nonce');
      checkLength('nonce', v, MAX_STATE);
      return v;
    });
    s.check('request_object', () => {
      if (optionalParam(params, 'request') !== undefined || optionalParam(params, 'request_uri') !== undefined) {
        throw invalidRequest('request objects ("request", "request_uri") are not supported by sgID');
      }
    });
    const req = {
      clientId,
      redirectUri,
      codeChallenge,
      scopes,
      trace: s.traceId,
      ...(nonce !== undefined ? { nonce } : {}),
      ...(state !== undefined ? { state } : {}),
    };
    ctx.metrics.loginsStarted++;

    if (ctx.config.autoApprove) {
      const persona = await ctx.personas.get(ctx.config.autoApprove);
      if (!persona) throw notFound(`--auto-approve persona "${ctx.config.autoApprove}" does not exist`);
      const grant = await grantFor(ctx, client, persona, scopes);
      s.note(`automation mode: approved at once as persona ${maskNric(persona.id)}`);
      s.response({ released: releasedShown(scopes, grant.encryptedTo) });
      return { kind: 'redirect', location: await issueCode(ctx, req, grant, s) };
    }

    const { login, pollToken } = await startLogin(ctx, { ...req, authorizeQuery: rawQuery });
    s.response({ page: 'QR code shown; waiting for the Singpass app', login_expires_in: ctx.config.loginTtl });
    s.done('waiting');
    return { kind: 'wait', login, pollToken, client };
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) {
      s.response({ redirected_to: redirectUri, error: err.error });
      s.refuse(err);
      return { kind: 'redirect', location: errorRedirect(redirectUri, err, state) };
    }
    throw err;
  }
}
