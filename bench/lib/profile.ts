/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area
 * (fastify, SQLite, jose, node:http…). This is the JS thread only: WebCrypto work (RSA sign,
 * RSA-OAEP encrypt) runs on libuv's thread pool and shows up as "(idle)" here, but it is in
 * the provider's CPU per login that /proc reports.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + 1);
  return url.replace(/^file:\/\//, '');
}

export function areaOf(fn: string, url: string): string {
  if (fn === '(idle)') return '(idle: waiting for I/O or the thread pool)';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)') return '(program: native, outside JS)';
  if (url === '') return 'native / builtins';
  if (url.includes('better-sqlite3')) return 'SQLite (better-sqlite3)';
  if (url.includes('ioredis') || url.includes('/redis')) return 'Redis client';
  if (/node_modules\/(pg|pg-[a-z]+)\//.test(url)) return 'PostgreSQL client';
  if (url.includes('node_modules/jose')) return 'jose';
  if (url.includes('node_modules/fastify') || url.includes('node_modules/@fastify') || url.includes('find-my-way') || url.includes('light-my-request') || url.includes('avvio')) return 'fastify';
  if (url.includes('node_modules/pino') || url.includes('sonic-boom')) return 'pino (logging)';
  if (url.includes('node_modules/tsx') || url.includes('esbuild')) return 'tsx (TypeScript loader)';
  if (url.includes('packages/provider/src/store')) return 'provider: store adapter';
  if (url.includes('packages/provider/src')) return 'provider: relay/wallet code';
  if (url.includes('packages/protocol')) return 'sgid-protocol';
  if (url.startsWith('node:internal/crypto') || url.includes('internal/crypto')) return 'node:crypto';
  if (/node:(internal\/)?(_http|http|net|stream|internal\/streams|internal\/http)/.test(url) || url.includes('_http_')) return 'node:http / net / streams';
  if (url.startsWith('node:')) return 'node: other internals';
  if (url.includes('node_modules')) return `other deps (${shortUrl(url).split('/')[0]})`;
  return 'other';
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  busyMs: number;
  functions: { name: string; selfMs: number; pctBusy: number }[];
  areas: { area: string; selfMs: number; pctBusy: number }[];
}

/**
 * `skipMs`: leave out the first milliseconds of the profile (process start-up: module loading,
 * compilation), so that the summary describes the steady state under load.
 */
export function summariseProfile(file: string, top = 25, skipMs = 0): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  if (skipMs > 0 && profile.samples && profile.timeDeltas) {
    // Recount self hits from the samples taken after skipMs.
    const hits = new Map<number, number>();
    let t = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      t += (profile.timeDeltas[i] ?? 0) / 1000;
      if (t >= skipMs) hits.set(profile.samples[i]!, (hits.get(profile.samples[i]!) ?? 0) + 1);
    }
    for (const n of profile.nodes) n.hitCount = hits.get(n.id) ?? 0;
    profile.startTime += skipMs * 1000;
  }
  const totalHits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerHit = totalMs / totalHits;
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idleHits = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') {
      idleHits += hits;
      continue;
    }
    const key = `${functionName || '(anonymous)'}  ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + hits);
    const area = areaOf(functionName, url);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const busyHits = totalHits - idleHits || 1;
  const rows = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return {
    file,
    totalMs,
    busyMs: busyHits * msPerHit,
    functions: rows(byFn)
      .slice(0, top)
      .map(([name, h]) => ({ name, selfMs: h * msPerHit, pctBusy: (100 * h) / busyHits })),
    areas: rows(byArea).map(([area, h]) => ({ area, selfMs: h * msPerHit, pctBusy: (100 * h) / busyHits })),
  };
}

export function formatProfileSummary(s: ProfileSummary, logins?: number): string {
  const per = (ms: number) => (logins ? `  ${((ms * 1000) / logins).toFixed(1).padStart(7)} µs/login` : '');
  const lines = [
    `CPU profile of the provider's JS thread (steady state, start-up left out): ${s.file}`,
    `  ${s.totalMs.toFixed(0)} ms profiled, ${s.busyMs.toFixed(0)} ms busy (the rest idle: I/O waits, thread-pool crypto)${logins ? `, ${logins} logins` : ''}`,
    '',
    'By area (self time, % of busy):',
    ...s.areas.map((a) => `  ${a.pctBusy.toFixed(1).padStart(5)}%  ${a.selfMs.toFixed(0).padStart(7)} ms${per(a.selfMs)}  ${a.area}`),
    '',
    'Top functions (self time, % of busy):',
    ...s.functions.map((f) => `  ${f.pctBusy.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`),
  ];
  return lines.join('\n');
}
