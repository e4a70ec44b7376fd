/**
 * `sgid-provider logins tail`: the login inspector in a terminal. Reads the step records from
 * the store (so it works beside a running server, or several), prints the newest ones, then
 * every new step as it is written, one line each; a refused step says which check refused it
 * and how to fix the request.
 */
import { checkLabel } from '../inspector/checks.js';
import { stepSummary } from '../inspector/read.js';
import type { StepEvent } from '../inspector/events.js';
import { FLUSH_MS } from '../inspector/recorder.js';
import type { Store } from '../store/types.js';

/** One step as one line: time, client, trace, step, outcome, what happened or what to fix. */
export function formatStep(e: StepEvent): string {
  const time = new Date(e.at).toISOString().replace('T', ' ').slice(0, 23);
  const client = e.clientId === '' ? '(no client)' : e.clientId;
  const what = e.refused
    ? `refused by ${e.refused.check ? checkLabel(e.refused.check) : 'the request itself'} (${e.refused.status} ${e.refused.error}): ${e.refused.description}`
    : stepSummary(e);
  const run = e.conformance ? ` [conformance ${e.conformance.step}/${e.conformance.of}: ${e.conformance.title}]` : '';
  return `${time}  ${client}  ${e.trace}  ${e.protocol} ${e.step.padEnd(9)} ${e.outcome.toUpperCase().padEnd(8)} ${what}${run}`;
}

const identity = (e: StepEvent) => `${e.trace}|${e.step}|${e.at}|${e.outcome}`;

export interface TailOptions {
  /** One client's steps; every client's when absent. */
  clientId?: string;
  /** JSON lines instead of text. */
  json: boolean;
  /** How many of the newest steps to print first. */
  lines: number;
  /** Stops following. */
  signal: AbortSignal;
  write(line: string): void;
  /** Told when the store cannot be read (the tail keeps trying). */
  warn(message: string): void;
}

async function readSteps(store: Store, clientId: string | undefined): Promise<StepEvent[]> {
  const keys = clientId !== undefined ? [clientId] : ['', ...(await store.listClients()).map((c) => c.id)];
  const steps = (await store.readLists<StepEvent>('inspect', keys)).flat();
  return steps.sort((a, b) => a.at - b.at);
}

/** Prints the newest steps, then follows until `signal` aborts. */
export async function tailLogins(store: Store, opts: TailOptions): Promise<void> {
  const print = (e: StepEvent) => opts.write(opts.json ? JSON.stringify(e) : formatStep(e));
  let seen = new Set<string>();
  const first = await readSteps(store, opts.clientId);
  for (const e of first.slice(-opts.lines)) print(e);
  for (const e of first) seen.add(identity(e));
  while (!opts.signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, FLUSH_MS);
      opts.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
    if (opts.signal.aborted) break;
    let now: StepEvent[];
    try {
      now = await readSteps(store, opts.clientId);
    } catch (err) {
      opts.warn(`cannot read the store (${(err as Error).message}); retrying`);
      continue;
    }
    const next = new Set<string>();
    for (const e of now) {
      const id = identity(e);
      next.add(id);
      if (!seen.has(id)) print(e);
    }
    seen = next;
  }
}
