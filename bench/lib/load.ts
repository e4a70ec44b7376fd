/** The load generator: closed-loop workers for throughput, an open-loop pacer for the soak. */
import { performance } from 'node:perf_hooks';

export type Login = () => Promise<void>;

export interface LoadResult {
  logins: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** Milliseconds per login, sorted ascending. */
  latencies: Float64Array;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  const cause = e?.cause ? ` (cause: ${String((e.cause as Error).message ?? e.cause)})` : '';
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}${cause}`.slice(0, 500);
}

/**
 * `concurrency` workers each run logins back to back until `durationMs` has passed; a login
 * started before the deadline is finished. Stops early after `maxErrors` failures.
 * `onTick` is called about every second with the logins done so far.
 */
export async function runClosedLoop(
  login: Login,
  concurrency: number,
  durationMs: number,
  opts: { maxErrors?: number; onTick?: (done: number, elapsedMs: number) => void } = {},
): Promise<LoadResult> {
  const maxErrors = opts.maxErrors ?? 100;
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + durationMs;
  const ticker = opts.onTick ? setInterval(() => opts.onTick!(lat.length, performance.now() - start), 1000) : undefined;
  const worker = async () => {
    while (performance.now() < deadline && errors < maxErrors) {
      const t = performance.now();
      try {
        await login();
        lat.push(performance.now() - t);
      } catch (err) {
        errors++;
        firstError ??= describe(err);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const elapsedMs = performance.now() - start;
  return { logins: lat.length, errors, ...(firstError ? { firstError } : {}), elapsedMs, latencies: Float64Array.from(lat).sort() };
}

/**
 * Starts logins at a steady `ratePerSec` for `durationMs` (open loop: a slow answer does not
 * slow the arrivals), with at most `maxInFlight` at once; arrivals beyond that are counted as
 * `dropped`. `onSample` is called every `sampleMs`.
 */
export async function runPaced(
  login: Login,
  ratePerSec: number,
  durationMs: number,
  opts: { maxInFlight?: number; sampleMs?: number; onSample?: (elapsedMs: number, done: number, errors: number) => void } = {},
): Promise<LoadResult & { dropped: number }> {
  const maxInFlight = opts.maxInFlight ?? 256;
  const lat: number[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let firstError: string | undefined;
  const start = performance.now();
  let started = 0;
  const pending = new Set<Promise<void>>();
  const one = () => {
    inFlight++;
    const t = performance.now();
    const p = login().then(
      () => {
        lat.push(performance.now() - t);
      },
      (err: unknown) => {
        errors++;
        firstError ??= describe(err);
      },
    ).finally(() => {
      inFlight--;
      pending.delete(p);
    });
    pending.add(p);
  };
  let lastSample = start;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const elapsed = now - start;
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor((elapsed / 1000) * ratePerSec);
      while (started < due) {
        started++;
        if (inFlight >= maxInFlight) dropped++;
        else one();
      }
      if (opts.onSample && now - lastSample >= (opts.sampleMs ?? 5000)) {
        lastSample = now;
        opts.onSample(elapsed, lat.length, errors);
      }
    }, 5);
  });
  await Promise.all(pending);
  const elapsedMs = performance.now() - start;
  return { logins: lat.length, errors, dropped, ...(firstError ? { firstError } : {}), elapsedMs, latencies: Float64Array.from(lat).sort() };
}
