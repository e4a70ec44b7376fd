/**
 * The browser that started a login waits on the QR page: it polls the status, then
 * "continues" to be redirected to the client. Both need the poll secret that only that
 * browser received, so a person who scanned the QR code cannot take the code.
 */
import { accessDenied } from 'sgid-protocol';
import type { ProviderContext } from '../context.js';
import { InspectStep } from '../inspector/step.js';
import { takeAnswer } from '../login/states.js';
import { issueCode } from './code.js';
import { errorRedirect } from './redirect.js';

/**
 * Where the browser goes once the wallet has answered: a redirect with a fresh code, or with
 * `access_denied`. Null while the person has not answered yet.
 */
export async function continueLogin(ctx: ProviderContext, id: string, pollToken: string | undefined): Promise<string | null> {
  const taken = await takeAnswer(ctx, id, pollToken);
  if (!taken) return null;
  // Recorded once the answer is taken (polls while the person decides are not steps).
  const s = new InspectStep(ctx.inspector, { protocol: 'sgid', step: 'code', clientId: taken.clientId, trace: taken.trace });
  try {
    if (taken.status === 'declined' || !taken.grant) {
      const err = accessDenied('the user declined to share their data with this app');
      s.response({ redirect_uri: taken.redirectUri, error: err.error, ...(taken.state !== undefined ? { state: taken.state } : {}) });
      s.done();
      return errorRedirect(taken.redirectUri, err, taken.state);
    }
    const location = await issueCode(ctx, taken, taken.grant, s);
    s.done();
    return location;
  } catch (err) {
    s.refuse(err);
    throw err;
  }
}
