/**
 * The browser on a Singpass QR page collects the wallet's answer here (with its poll secret):
 * a redirect with a code bound to everything PAR bound, or with `access_denied`.
 */
import { accessDenied } from 'sgid-protocol';
import { takeAnswer } from '../login/states.js';
import { errorRedirect } from '../oauth/redirect.js';
import { issueSingpassCode } from './code.js';
import type { SingpassContext } from './context.js';
import type { Mount } from './mounts.js';

export async function continueSingpassLogin(sp: SingpassContext, mount: Mount, id: string, pollToken: string | undefined): Promise<string | null> {
  const taken = await takeAnswer(sp.ctx, id, pollToken, 'singpass');
  if (!taken) return null;
  if (taken.status === 'declined' || !taken.singpassGrant) {
    return errorRedirect(taken.redirectUri, accessDenied('the user declined to log in with Singpass'), taken.state);
  }
  return issueSingpassCode(
    sp,
    mount,
    {
      clientId: taken.clientId,
      redirectUri: taken.redirectUri,
      scopes: taken.scopes,
      ...(taken.state !== undefined ? { state: taken.state } : {}),
      ...(taken.nonce !== undefined ? { nonce: taken.nonce } : {}),
      ...(taken.codeChallenge !== '' ? { codeChallenge: taken.codeChallenge } : {}),
      ...(taken.singpass?.jkt !== undefined ? { jkt: taken.singpass.jkt } : {}),
    },
    taken.singpassGrant,
  );
}
