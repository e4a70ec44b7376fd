/**
 * POST <fapi>/par — a pushed authorization request (RFC 9126) as Singpass takes it. Steps:
 * the client's assertion, the DPoP proof (or `dpop_jkt`), the parameters; then a single-use
 * request_uri that lives 60 seconds. Answered 201 (openid-client 6 takes nothing else).
 */
import { invalidRequest } from 'sgid-protocol';
import type { ParResponse } from 'sgid-protocol';
import type { Params } from '../../oauth/params.js';
import { storageKey } from '../../util/secrets.js';
import { checkDpopProof } from '../checks/dpop.js';
import { checkParParams, readDpopJkt } from '../checks/par.js';
import { authenticateSingpassClient } from '../client-auth.js';
import type { SingpassContext } from '../context.js';
import type { Mount } from '../mounts.js';
import type { RequestUriRecord } from '../records.js';
import { newRequestUriId } from '../tokens.js';

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

export async function pushAuthorizationRequest(
  sp: SingpassContext,
  mount: Mount,
  params: Params,
  dpop: string | string[] | undefined,
): Promise<ParResponse> {
  const { client } = await authenticateSingpassClient(sp, params, mount, 'par');
  const dpopJkt = readDpopJkt(params);
  let jkt: string;
  if (dpop !== undefined) {
    ({ jkt } = await checkDpopProof({ proof: dpop, method: 'POST', url: mount.url('par'), now: sp.now(), skew: sp.lifetimes.clockSkew, replay: sp.replay }));
    if (dpopJkt !== undefined && dpopJkt !== jkt) throw invalidRequest('dpop_jkt differs from the thumbprint of the DPoP proof\'s key: send one of them, or both for the same key', false);
  } else if (dpopJkt !== undefined) {
    jkt = dpopJkt;
  } else {
    throw invalidRequest('DPoP is required: send a DPoP header (a proof signed with this login\'s key) or dpop_jkt', false);
  }
  const pushed = checkParParams(params, client);
  const id = newRequestUriId();
  const record: RequestUriRecord = { ...pushed, mount: mount.name, jkt };
  await sp.ctx.store.put('sp-request', storageKey(id), record, sp.lifetimes.requestUri * 1000);
  sp.ctx.metrics.loginsStarted++;
  return { request_uri: `${REQUEST_URI_PREFIX}${id}`, expires_in: sp.lifetimes.requestUri };
}
