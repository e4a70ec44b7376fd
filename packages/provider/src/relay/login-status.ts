/**
 * The browser that started a login waits here: it polls the status, then "continues" to be
 * redirected to the client. Both need the poll secret that only that browser received, so a
 * person who scanned the QR code cannot take the code.
 */
import { accessDenied, invalidRequest, loginExpired, notFound } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { storageKey } from '../util/secrets.js';
import { issueCode } from './code.js';
import type { LoginRecord } from './records.js';
import { errorRedirect } from './redirect.js';

export type LoginStatus = 'pending' | 'approved' | 'declined' | 'expired';

async function loadForBrowser(ctx: ProviderContext, id: string, pollToken: string | undefined) {
  if (!pollToken) throw invalidRequest('missing "t": open the sign-in page again', false);
  const login = await ctx.store.get<LoginRecord>('login', id);
  if (login && login.pollHash !== storageKey(pollToken)) throw notFound('no such login for this browser');
  return login;
}

export async function loginStatus(ctx: ProviderContext, id: string, pollToken: string | undefined): Promise<LoginStatus> {
  const login = await loadForBrowser(ctx, id, pollToken);
  return login ? login.status : 'expired';
}

/**
 * Where the browser goes once the wallet has answered: a redirect with a fresh code, or with
 * `access_denied`. Null while the person has not answered yet.
 */
export async function continueLogin(ctx: ProviderContext, id: string, pollToken: string | undefined): Promise<string | null> {
  const login = await loadForBrowser(ctx, id, pollToken);
  if (!login) throw loginExpired('This sign-in request has expired. Go back to the app and start again.');
  if (login.status === 'pending') return null;
  // Consume: the answer is delivered once, even if the browser continues twice at once.
  const taken = await ctx.store.consume<LoginRecord>('login', id);
  if (!taken) throw loginExpired('This sign-in request was already completed or has expired. Go back to the app and start again.');
  if (taken.status === 'declined' || !taken.grant) {
    return errorRedirect(taken.redirectUri, accessDenied('the user declined to share their data with this app'), taken.state);
  }
  return issueCode(ctx, taken, taken.grant);
}
