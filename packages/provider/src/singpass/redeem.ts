/**
 * Redeeming a Singpass code, for both generations: look it up, run the endpoint's checks,
 * consume it atomically (of two concurrent redemptions one wins), store the access token — and
 * treat a second presentation as a replay that revokes the token the first one got. Winner and
 * loser each write a marker and read the other's, so one of them sees the replay whatever the
 * interleaving (the same scheme as the sgID relay's token endpoint).
 */
import { invalidGrant } from 'sgid-protocol';
import { storageKey } from '../util/secrets.js';
import type { SingpassContext } from './context.js';
import type { SingpassCodeRecord, SingpassTokenRecord, SingpassUsedCodeRecord } from './records.js';

const codeReused = () => invalidGrant('this code has already been used; codes are single use, so the access token issued from it has been revoked');

/** Leaves the replay marker, then revokes the token of the redemption that won, if any. */
async function markReplay(sp: SingpassContext, codeKey: string): Promise<boolean> {
  const ttl = sp.lifetimes.accessToken * 1000;
  await sp.ctx.store.put('sp-used-code', `${codeKey}:replayed`, true, ttl);
  const used = await sp.ctx.store.get<SingpassUsedCodeRecord>('sp-used-code', codeKey);
  if (used) await sp.ctx.store.delete('sp-token', used.tokenKey);
  return used !== undefined;
}

export interface Issued<R> {
  tokenKey: string;
  tokenRecord: SingpassTokenRecord;
  response: R;
}

export async function redeemCode<R>(
  sp: SingpassContext,
  code: string,
  check: (record: SingpassCodeRecord) => Promise<void>,
  issue: (record: SingpassCodeRecord, codeKey: string) => Promise<Issued<R>>,
): Promise<R> {
  const codeKey = storageKey(code);
  const record = await sp.ctx.store.get<SingpassCodeRecord>('sp-code', codeKey);
  if (!record) {
    if (await markReplay(sp, codeKey)) throw codeReused();
    throw invalidGrant('code is unknown or expired (Singpass codes are valid for 60 seconds, 2 minutes in the legacy flow, and single use)');
  }
  await check(record);
  if (!(await sp.ctx.store.consume<SingpassCodeRecord>('sp-code', codeKey))) {
    await markReplay(sp, codeKey);
    throw codeReused();
  }
  const issued = await issue(record, codeKey);
  const ttl = sp.lifetimes.accessToken * 1000;
  await sp.ctx.store.put('sp-used-code', codeKey, { tokenKey: issued.tokenKey } satisfies SingpassUsedCodeRecord, ttl);
  await sp.ctx.store.put('sp-token', issued.tokenKey, issued.tokenRecord, ttl);
  if (await sp.ctx.store.get('sp-used-code', `${codeKey}:replayed`)) {
    await sp.ctx.store.delete('sp-token', issued.tokenKey);
    throw invalidGrant('this code was presented twice at once; codes are single use, so no token is issued');
  }
  return issued.response;
}
