/** Authorization codes: minted at the moment the browser is sent back, single use, short-lived. */
import type { ProviderContext } from '../context.js';
import { maskSecret } from '../inspector/mask.js';
import type { InspectStep } from '../inspector/step.js';
import { randomToken, storageKey } from '../util/secrets.js';
import type { Grant } from '../login/records.js';
import type { CodeRecord } from './records.js';
import { redirectTo } from './redirect.js';

export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  state?: string;
  scopes: string[];
  /** The login inspector's trace id of the login. */
  trace?: string;
}

/** Stores a new code for the grant and returns the URL the browser is sent to. */
export async function issueCode(ctx: ProviderContext, req: CodeRequest, grant: Grant, s?: InspectStep): Promise<string> {
  const code = randomToken(32);
  const record: CodeRecord = {
    clientId: req.clientId,
    redirectUri: req.redirectUri,
    codeChallenge: req.codeChallenge,
    scopes: req.scopes,
    grant,
    ...(req.nonce !== undefined ? { nonce: req.nonce } : {}),
    ...(req.trace !== undefined ? { trace: req.trace } : {}),
  };
  await ctx.store.put('code', storageKey(code), record, ctx.config.codeTtl * 1000);
  ctx.metrics.loginsCompleted++;
  s?.response({ redirect_uri: req.redirectUri, code: maskSecret(code), code_expires_in: ctx.config.codeTtl, ...(req.state !== undefined ? { state: req.state } : {}) });
  return redirectTo(req.redirectUri, { code, state: req.state });
}
