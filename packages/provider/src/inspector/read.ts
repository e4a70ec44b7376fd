/**
 * Reading the inspector's records back as logins (traces), newest first: for the portal's
 * page and JSON, and for `sgid-provider logins tail`. Records come from the short-lived store,
 * so every process (and the CLI) sees the same logins.
 */
import type { Store } from '../store/types.js';
import { checkLabel } from './checks.js';
import type { LoginTrace, StepEvent } from './events.js';

const STEP_WORDS: Record<StepEvent['step'], string> = {
  par: 'pushed authorization request accepted',
  authorize: 'authorize request accepted',
  wallet: 'answered in the Singpass app',
  code: 'browser sent back to the app',
  token: 'tokens issued',
  userinfo: 'userinfo answered',
};

/** What an accepted step did, in a few words (the page and `logins tail` show it). */
export function stepSummary(e: StepEvent): string {
  const r = e.response ?? {};
  switch (e.step) {
    case 'authorize':
      if (e.outcome === 'waiting') return 'QR code shown; waiting for the Singpass app';
      return `${e.notes?.[0] ?? 'approved'}; code sent to ${String(r['redirect_uri'] ?? 'the app')}`;
    case 'wallet':
      return r['decision'] === 'approved' ? `approved as ${String(r['persona'])}: ${String(r['released'])}` : 'declined';
    case 'code':
      return typeof r['error'] === 'string' ? `browser sent back with error=${r['error']}` : `browser sent back with code ${String(r['code'])}`;
    case 'token':
      return `tokens issued (${String(r['token_type'] ?? 'Bearer')}, scope "${String(r['scope'] ?? '')}")`;
    case 'userinfo':
      return `answered (scope "${String(r['scopes'] ?? '')}")`;
    case 'par':
      return `request_uri issued`;
  }
}

/** Where a login stands, in words, from its last step. */
export function summarize(last: StepEvent): string {
  if (last.outcome === 'refused') {
    const by = last.refused?.check ? `: ${checkLabel(last.refused.check)}` : '';
    return `refused at ${last.step}${by}`;
  }
  if (last.outcome === 'waiting') return 'waiting for the person to answer in the Singpass app';
  if (last.step === 'wallet' && last.response?.['decision'] === 'declined') return 'declined in the Singpass app';
  if (last.step === 'code' && typeof last.response?.['error'] === 'string') return `browser sent back with error=${String(last.response['error'])}`;
  return STEP_WORDS[last.step];
}

/** Groups step records into logins, each login's steps oldest first, logins newest first. */
export function groupIntoLogins(events: readonly StepEvent[], limit = 50): LoginTrace[] {
  const byTrace = new Map<string, StepEvent[]>();
  for (const e of events) {
    const list = byTrace.get(e.trace);
    if (list) list.push(e);
    else byTrace.set(e.trace, [e]);
  }
  const logins: LoginTrace[] = [];
  for (const [trace, steps] of byTrace) {
    steps.sort((a, b) => a.at - b.at);
    const first = steps[0]!;
    const last = steps[steps.length - 1]!;
    // A login is the client's once any step knows the client (an unknown client_id stays '').
    const clientId = steps.find((s) => s.clientId !== '')?.clientId ?? '';
    logins.push({ trace, clientId, protocol: first.protocol, startedAt: first.at, updatedAt: last.at, outcome: last.outcome, summary: summarize(last), steps });
  }
  logins.sort((a, b) => b.updatedAt - a.updatedAt || b.startedAt - a.startedAt);
  return logins.slice(0, limit);
}

export interface ReadLoginsOptions {
  /** Only this client's logins; all clients' (and requests naming no registered client) when absent. */
  clientId?: string;
  /** At most this many logins (default 50). */
  limit?: number;
}

/** The recent logins from the store, newest first. */
export async function readLogins(store: Store, opts: ReadLoginsOptions = {}): Promise<LoginTrace[]> {
  const keys = opts.clientId !== undefined ? [opts.clientId] : ['', ...(await store.listClients()).map((c) => c.id)];
  const lists = await store.readLists<StepEvent>('inspect', keys);
  return groupIntoLogins(lists.flat(), opts.limit ?? 50);
}
