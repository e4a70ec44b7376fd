/**
 * GET /auth (legacy NDI OIDC, and MockPass's /singpass/v2/auth): a browser request with every
 * parameter in the query. The client and its redirect URI first (errors shown on a page, never
 * redirected), then the rest (errors redirected with the state); then the QR page, or at once a
 * code in automation mode. Codes live 2 minutes.
 */
import { OAuthError, invalidRequest, notFound } from 'sgid-protocol';
import type { LoginRecord } from '../../login/records.js';
import { singpassGrantFor } from '../../login/singpass-grant.js';
import { startLogin } from '../../login/states.js';
import { requiredParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';
import { errorRedirect } from '../../oauth/redirect.js';
import type { SingpassClientRecord } from '../../store/types.js';
import { checkLegacyAuthParams } from '../checks/legacy-auth.js';
import type { LegacyRequest } from '../checks/legacy-auth.js';
import { checkSingpassRedirectUri } from '../checks/par.js';
import { issueSingpassCode } from '../code.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';

export type LegacyAuthorizeOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'wait'; login: LoginRecord; pollToken: string; client: SingpassClientRecord };

export async function authorizeLegacy(sp: SingpassContext, mount: Mount, params: Params): Promise<LegacyAuthorizeOutcome> {
  const clientId = requiredParam(params, 'client_id', false);
  const redirectUri = requiredParam(params, 'redirect_uri', false);
  const client = clientId.length <= 64 ? await sp.ctx.store.getSingpassClient(clientId) : undefined;
  if (!client) throw invalidRequest(`unknown client_id "${clientId}": register it first (portal, or sgid-provider singpass clients create)`, false);
  checkSingpassRedirectUri(client, redirectUri);

  let req: LegacyRequest;
  try {
    req = checkLegacyAuthParams(params, client);
  } catch (err) {
    if (err instanceof OAuthError && err.redirectable) {
      const state = typeof params['state'] === 'string' ? params['state'] : undefined;
      return { kind: 'redirect', location: errorRedirect(redirectUri, err, state) };
    }
    throw err;
  }
  sp.ctx.metrics.loginsStarted++;
  const codeRequest = { clientId: client.id, redirectUri, scopes: req.scopes, nonce: req.nonce, codeChallenge: req.codeChallenge, ...(req.state !== undefined ? { state: req.state } : {}) };
  if (sp.ctx.config.autoApprove) {
    const persona = await sp.ctx.personas.get(sp.ctx.config.autoApprove);
    if (!persona) throw notFound(`--auto-approve persona "${sp.ctx.config.autoApprove}" does not exist`);
    return { kind: 'redirect', location: await issueSingpassCode(sp, mount, codeRequest, singpassGrantFor(persona, req)) };
  }
  const { login, pollToken } = await startLogin(sp.ctx, {
    clientId: client.id,
    redirectUri,
    scopes: req.scopes,
    codeChallenge: req.codeChallenge,
    nonce: req.nonce,
    ...(req.state !== undefined ? { state: req.state } : {}),
    authorizeQuery: '',
    singpass: { mount: mount.name, appType: client.appType, acrValues: req.acrValues },
  });
  return { kind: 'wait', login, pollToken, client };
}
