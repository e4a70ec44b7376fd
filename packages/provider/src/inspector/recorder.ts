/**
 * Keeps step records in the short-lived store, where every provider process (and the CLI)
 * reads them. Recording must stay small beside a login's private-key operations, so a request
 * only builds its record and queues it here; the queue is written every FLUSH_MS in one store
 * round trip (one SQLite transaction, one Redis pipeline) with one list per client — a few
 * microseconds per step instead of a store write each. A record is visible to other processes
 * within FLUSH_MS; readers in this process flush first.
 *
 * Records are kept as long as the longest-lived record of a login (its access token:
 * --token-ttl), so that a login's timeline stays whole until the last thing it produced has
 * expired, and each client's list keeps its newest LIST_MAX steps.
 */
import type { ListAppend, Store } from '../store/types.js';
import type { StepEvent } from './events.js';

/** How long a step record waits in the queue before it is written. */
export const FLUSH_MS = 200;
/** Steps kept per client (about a hundred logins). */
export const LIST_MAX = 500;
/** Queued records beyond this are dropped (and counted) while the store cannot keep up. */
const MAX_PENDING = 20_000;

export interface RecorderOptions {
  /** The provider's clock (ctx.now): records are stamped with it. */
  now: () => number;
  /** Whether steps are recorded at all (--inspector). */
  enabled: boolean;
  /** How long a record lives, in ms. */
  retentionMs: number;
}

export class InspectorRecorder {
  readonly enabled: boolean;
  readonly retentionMs: number;
  readonly now: () => number;
  /** Records dropped because the store was away or the queue full. */
  dropped = 0;
  /** Told (once a minute at most) when records could not be written. */
  warn: (message: string) => void = () => undefined;
  #pending: StepEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #lastWarning = 0;

  constructor(
    private readonly store: Store,
    opts: RecorderOptions,
  ) {
    this.enabled = opts.enabled;
    this.retentionMs = opts.retentionMs;
    this.now = opts.now;
  }

  /** Queues one step record; it is written within FLUSH_MS. */
  record(event: StepEvent): void {
    if (!this.enabled) return;
    if (this.#pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.#pending.push(event);
    if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.flush();
      }, FLUSH_MS);
      this.#timer.unref();
    }
  }

  /** Writes what is queued now (after any write in progress); never throws. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    const byClient = new Map<string, StepEvent[]>();
    for (const e of batch) {
      const list = byClient.get(e.clientId);
      if (list) list.push(e);
      else byClient.set(e.clientId, [e]);
    }
    const appends: ListAppend[] = [...byClient].map(([clientId, values]) => ({
      kind: 'inspect',
      key: clientId,
      values,
      ttlMs: this.retentionMs,
      maxLength: LIST_MAX,
    }));
    this.#writing = this.store
      .appendToLists(appends)
      .catch((err: unknown) => {
        this.dropped += batch.length;
        const now = Date.now();
        if (now - this.#lastWarning > 60_000) {
          this.#lastWarning = now;
          this.warn(`login inspector: ${batch.length} step records not written (${(err as Error).message})`);
        }
      })
      .finally(() => {
        this.#writing = undefined;
      });
    await this.#writing;
  }

  /** Writes what is queued and stops the timer (at shutdown, before the store closes). */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
