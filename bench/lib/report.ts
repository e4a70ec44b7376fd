/** The results as a terminal table, targets with PASS/MISS, and an SVG bar chart. */

export interface RunRow {
  system: string;
  /** Short key: 'ours-sqlite', 'mockpass', 'ours-scaled'. */
  key: string;
  concurrency: number;
  loginsPerSec: number;
  logins: number;
  errors: number;
  firstError?: string;
  p50Ms: number;
  p99Ms: number;
  /** Provider process CPU (all threads) per login, from /proc. */
  providerCpuMsPerLogin: number;
  /** Load generator (this process, SDK included) CPU per login. */
  loadGenCpuMsPerLogin: number;
  providerPeakRssMb: number;
  providerRssMb: number;
}

export interface Target {
  name: string;
  value: string;
  goal: string;
  pass: boolean | null;
}

export function table(headers: string[], rows: (string | number)[][], rightAlign: boolean[] = []): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) => r.map((c, i) => (rightAlign[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

export function runsTable(runs: RunRow[]): string {
  return table(
    ['system', 'conc.', 'logins/s', 'p50 ms', 'p99 ms', 'errors', 'provider CPU ms/login', 'loadgen CPU ms/login', 'provider peak RSS MB'],
    runs.map((r) => [
      r.system,
      r.concurrency,
      r.loginsPerSec.toFixed(0),
      r.p50Ms.toFixed(1),
      r.p99Ms.toFixed(1),
      r.errors,
      r.providerCpuMsPerLogin.toFixed(2),
      r.loadGenCpuMsPerLogin.toFixed(2),
      r.providerPeakRssMb.toFixed(0),
    ]),
    [false, true, true, true, true, true, true, true, true],
  );
}

export function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'measured', 'goal', ''],
    targets.map((t) => [t.name, t.value, t.goal, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS']),
  );
}

const COLORS: Record<string, string> = { 'ours-sqlite': '#1f6feb', 'ours-scaled': '#8957e5', mockpass: '#9a6700' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Grouped bars: logins/s per concurrency, one bar per system, value and p99 on each bar. */
export function barChartSvg(runs: RunRow[], title: string, subtitle: string): string {
  const concurrencies = [...new Set(runs.map((r) => r.concurrency))].sort((a, b) => a - b);
  const systems = [...new Map(runs.map((r) => [r.key, r.system])).entries()];
  const W = 760;
  const H = 420;
  const m = { top: 70, right: 20, bottom: 70, left: 70 };
  const plotW = W - m.left - m.right;
  const plotH = H - m.top - m.bottom;
  const max = Math.max(1, ...runs.map((r) => r.loginsPerSec));
  const step = 10 ** Math.floor(Math.log10(max));
  const yMax = Math.ceil(max / step) * step;
  const y = (v: number) => m.top + plotH - (v / yMax) * plotH;
  const groupW = plotW / Math.max(1, concurrencies.length);
  const barW = Math.min(70, (groupW * 0.8) / Math.max(1, systems.length));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`);
  parts.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#57606a">${esc(subtitle)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    parts.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${y(v)}" y2="${y(v)}" stroke="#d0d7de" stroke-width="1"/>`);
    parts.push(`<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end" fill="#57606a">${Math.round(v)}</text>`);
  }
  parts.push(`<text transform="translate(18 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#57606a">full logins per second</text>`);
  concurrencies.forEach((c, gi) => {
    const gx = m.left + gi * groupW + (groupW - barW * systems.length) / 2;
    systems.forEach(([key], si) => {
      const r = runs.find((x) => x.key === key && x.concurrency === c);
      if (!r) return;
      const x = gx + si * barW;
      parts.push(`<rect x="${x + 2}" y="${y(r.loginsPerSec)}" width="${barW - 4}" height="${m.top + plotH - y(r.loginsPerSec)}" fill="${COLORS[key] ?? '#57606a'}"><title>${esc(`${r.system}, concurrency ${c}: ${r.loginsPerSec.toFixed(0)} logins/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms`)}</title></rect>`);
      parts.push(`<text x="${x + barW / 2}" y="${y(r.loginsPerSec) - 16}" text-anchor="middle" font-weight="600">${r.loginsPerSec.toFixed(0)}</text>`);
      parts.push(`<text x="${x + barW / 2}" y="${y(r.loginsPerSec) - 4}" text-anchor="middle" fill="#57606a" font-size="10">p99 ${r.p99Ms.toFixed(0)} ms</text>`);
    });
    parts.push(`<text x="${m.left + gi * groupW + groupW / 2}" y="${m.top + plotH + 20}" text-anchor="middle">concurrency ${c}</text>`);
  });
  let lx = m.left;
  for (const [key, name] of systems) {
    parts.push(`<rect x="${lx}" y="${H - 30}" width="12" height="12" fill="${COLORS[key] ?? '#57606a'}"/>`);
    parts.push(`<text x="${lx + 18}" y="${H - 20}">${esc(name)}</text>`);
    lx += 30 + name.length * 6.5;
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
