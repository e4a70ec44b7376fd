/** Prometheus counters and latency histograms, kept in process (each process exports its own). */
import type { Metrics } from './context.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function createMetrics(): Metrics {
  return { loginsStarted: 0, loginsCompleted: 0, errors: new Map(), latency: new Map() };
}

export function observe(m: Metrics, route: string, seconds: number): void {
  let h = m.latency.get(route);
  if (!h) {
    h = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
    m.latency.set(route, h);
  }
  h.count++;
  h.sum += seconds;
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.buckets[i]!++;
}

const label = (s: string) => s.replace(/[\\"\n]/g, '_');

export function renderMetrics(m: Metrics): string {
  const out: string[] = [
    '# HELP sgid_logins_started_total Authorize requests that passed every check.',
    '# TYPE sgid_logins_started_total counter',
    `sgid_logins_started_total ${m.loginsStarted}`,
    '# HELP sgid_logins_completed_total Logins that reached the client with a code.',
    '# TYPE sgid_logins_completed_total counter',
    `sgid_logins_completed_total ${m.loginsCompleted}`,
    '# HELP sgid_errors_total Errors answered, by OAuth error code.',
    '# TYPE sgid_errors_total counter',
    ...[...m.errors].map(([code, n]) => `sgid_errors_total{error="${label(code)}"} ${n}`),
    '# HELP sgid_http_request_duration_seconds Latency per endpoint.',
    '# TYPE sgid_http_request_duration_seconds histogram',
  ];
  for (const [route, h] of m.latency) {
    const r = label(route);
    BUCKETS.forEach((b, i) => out.push(`sgid_http_request_duration_seconds_bucket{route="${r}",le="${b}"} ${h.buckets[i]}`));
    out.push(`sgid_http_request_duration_seconds_bucket{route="${r}",le="+Inf"} ${h.count}`);
    out.push(`sgid_http_request_duration_seconds_sum{route="${r}"} ${h.sum}`);
    out.push(`sgid_http_request_duration_seconds_count{route="${r}"} ${h.count}`);
  }
  return out.join('\n') + '\n';
}
