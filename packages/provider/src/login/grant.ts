/**
 * The grant of an sgID login: what the wallet hands the relay when a person approves (on the
 * consent screen, or at once in automation mode). The requested values are released (derived
 * ones computed now) and encrypted end to end for the client; the relay gets only ciphertext
 * and the pairwise sub.
 */
import type { ProviderContext } from '../context.js';
import type { ClientRecord } from '../store/types.js';
import { pairwiseSub } from '../util/secrets.js';
import { encryptUserinfoNode } from '../wallet/encrypt.js';
import { releaseValues } from '../wallet/personas/index.js';
import type { Persona } from '../wallet/personas/index.js';
import type { Grant } from './records.js';

export async function grantFor(
  ctx: ProviderContext,
  client: ClientRecord,
  persona: Persona,
  scopes: readonly string[],
): Promise<Grant> {
  const sub = pairwiseSub(ctx.pairwiseSecret, client.id, persona.id);
  const values = releaseValues(persona, scopes, new Date(ctx.now()));
  if (Object.keys(values).length === 0) return { sub };
  // node:crypto rather than sgid-protocol's WebCrypto encryptUserinfo (same JWEs): each
  // crypto.subtle call on Node costs ~60-70 µs of overhead, and this makes 1 + 2 per value.
  return { sub, encrypted: encryptUserinfoNode(values, ctx.clientKeys.get(client)), encryptedTo: ctx.clientKeys.thumbprint(client) };
}
