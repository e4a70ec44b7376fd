/**
 * GET <fapi>/auth?client_id&request_uri — the browser arrives with the reference PAR returned.
 * Checks, top to bottom: the client; the request_uri (known, unexpired, unused — it is consumed
 * here — pushed by this client at this issuer); no other parameter. Until the request is loaded
 * nothing may be redirected (there is no trusted redirect URI yet): those errors are pages.
 */
import { OAuthError, invalidRequest, invalidRequestUri, notFound } from 'sgid-protocol';
import type { LoginRecord } from '../../login/records.js';
import { singpassGrantFor } from '../../login/singpass-grant.js';
import { startLogin } from '../../login/states.js';
import { optionalParam, requiredParam } from '../../oauth/params.js';
import type { Params } from '../../oauth/params.js';
import { errorRedirect } from '../../oauth/redirect.js';
import type { SingpassClientRecord } from '../../store/types.js';
import { storageKey } from '../../util/secrets.js';
import { issueSingpassCode } from '../code.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';
import type { RequestUriRecord } from '../records.js';
import { REQUEST_URI_PREFIX } from './par.js';

export type FapiAuthorizeOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'wait'; login: LoginRecord; pollToken: string; client: SingpassClientRecord; cancelUrl: string };

export async function authorizeFapi(sp: SingpassContext, mount: Mount, params: Params): Promise<FapiAuthorizeOutcome> {
  const clientId = requiredParam(params, 'client_id', false);
  const requestUri = requiredParam(params, 'request_uri', false);
  const client = clientId.length <= 64 ? await sp.ctx.store.getSingpassClient(clientId) : undefined;
  if (!client) throw invalidRequest(`unknown client_id "${clientId}": register it first (portal, or sgid-provider singpass clients create)`, false);
  if (!requestUri.startsWith(REQUEST_URI_PREFIX) || requestUri.length > 200) {
    throw invalidRequestUri(`request_uri must be the value PAR returned (${REQUEST_URI_PREFIX}…); Singpass takes no other authorize parameters`);
  }
  const pushed = await sp.ctx.store.consume<RequestUriRecord>('sp-request', storageKey(requestUri.slice(REQUEST_URI_PREFIX.length)));
  if (!pushed) {
    throw invalidRequestUri(`request_uri is unknown, expired (it lives ${sp.lifetimes.requestUri} s) or already used (once only): push the request again`);
  }
  if (pushed.clientId !== client.id) throw invalidRequestUri(`request_uri was pushed by another client, not "${client.id}"`);
  if (pushed.mount !== mount.name) throw invalidRequestUri(`request_uri was pushed to another issuer than ${mount.issuer}`);

  // From here the redirect URI is the registered one the client pushed: errors go back to it.
  try {
    const extra = Object.keys(params).filter((k) => k !== 'client_id' && k !== 'request_uri');
    if (extra.length > 0) throw invalidRequest(`the authorization URL carries ${extra.join(', ')}: with PAR it takes client_id and request_uri only`);
    for (const k of ['client_id', 'request_uri']) optionalParam(params, k);
  } catch (err) {
    if (err instanceof OAuthError) return { kind: 'redirect', location: errorRedirect(pushed.redirectUri, err, pushed.state) };
    throw err;
  }

  const codeRequest = {
    clientId: client.id,
    redirectUri: pushed.redirectUri,
    scopes: pushed.scopes,
    state: pushed.state,
    nonce: pushed.nonce,
    codeChallenge: pushed.codeChallenge,
    jkt: pushed.jkt,
  };
  if (sp.ctx.config.autoApprove) {
    const persona = await sp.ctx.personas.get(sp.ctx.config.autoApprove);
    if (!persona) throw notFound(`--auto-approve persona "${sp.ctx.config.autoApprove}" does not exist`);
    return { kind: 'redirect', location: await issueSingpassCode(sp, mount, codeRequest, singpassGrantFor(persona, pushed)) };
  }
  const { login, pollToken } = await startLogin(sp.ctx, {
    clientId: client.id,
    redirectUri: pushed.redirectUri,
    scopes: pushed.scopes,
    codeChallenge: pushed.codeChallenge,
    nonce: pushed.nonce,
    state: pushed.state,
    authorizeQuery: '',
    singpass: {
      mount: mount.name,
      appType: client.appType,
      jkt: pushed.jkt,
      acrValues: pushed.acrValues,
      ...(pushed.authenticationContextMessage !== undefined ? { contextMessage: pushed.authenticationContextMessage } : {}),
    },
  });
  // A request_uri is single use, so an expired QR code cannot offer a new one: it sends the
  // person back to the app, which starts again.
  const cancelUrl = errorRedirect(pushed.redirectUri, new OAuthError('access_denied', 'the login expired before the user approved it in the Singpass app'), pushed.state);
  return { kind: 'wait', login, pollToken, client, cancelUrl };
}
