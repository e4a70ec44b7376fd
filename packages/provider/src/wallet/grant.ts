/**
 * What the wallet does when a person approves: release the requested values (derived ones
 * computed now), encrypt them end to end for the client, and hand the relay only ciphertext
 * and the pairwise sub.
 */
import type { ProviderContext } from '../context.js';
import type { Grant } from '../relay/records.js';
import type { ClientRecord } from '../store/types.js';
import { pairwiseSub } from '../util/secrets.js';
import { encryptUserinfoNode } from './encrypt.js';
import { releaseValues } from './personas/index.js';
import type { Persona } from './personas/index.js';

export async function grantFor(
  ctx: ProviderContext,
  client: ClientRecord,
  persona: Persona,
  scopes: readonly string[],
): Promise<Grant> {
  const sub = pairwiseSub(ctx.pairwiseSecret, client.id, persona.id);
  const values = releaseValues(persona, scopes, new Date());
  if (Object.keys(values).length === 0) return { sub };
  // node:crypto rather than sgid-protocol's WebCrypto encryptUserinfo (same JWEs): each
  // crypto.subtle call on Node costs ~60-70 µs of overhead, and this makes 1 + 2 per value.
  return { sub, encrypted: encryptUserinfoNode(values, ctx.clientKeys.get(client)) };
}
