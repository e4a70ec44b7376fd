/** Singpass authorization codes: minted when the browser is sent back, single use, 60 s (FAPI) or 2 min (legacy). */
import type { SingpassGrant } from '../login/records.js';
import { redirectTo } from '../oauth/redirect.js';
import { randomToken, storageKey } from '../util/secrets.js';
import type { SingpassContext } from './context.js';
import type { Mount } from './mounts.js';
import type { SingpassCodeRecord } from './records.js';

export interface SingpassCodeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  jkt?: string;
}

/** Stores a new code for the grant and returns the URL the browser is sent to. */
export async function issueSingpassCode(sp: SingpassContext, mount: Mount, req: SingpassCodeRequest, grant: SingpassGrant): Promise<string> {
  const code = randomToken(32);
  const record: SingpassCodeRecord = {
    mount: mount.name,
    clientId: req.clientId,
    redirectUri: req.redirectUri,
    scopes: req.scopes,
    grant,
    ...(req.codeChallenge !== undefined ? { codeChallenge: req.codeChallenge } : {}),
    ...(req.jkt !== undefined ? { jkt: req.jkt } : {}),
    ...(req.nonce !== undefined ? { nonce: req.nonce } : {}),
  };
  const ttl = mount.generation === 'fapi' ? sp.lifetimes.code : sp.lifetimes.legacyCode;
  await sp.ctx.store.put('sp-code', storageKey(code), record, ttl * 1000);
  sp.ctx.metrics.loginsCompleted++;
  return redirectTo(req.redirectUri, { code, state: req.state });
}
