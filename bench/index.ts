/**
 * `npm run bench` — the figures in the README come from here.
 *
 *   npm run bench                      full run (~5 s per measurement, ~2 min in all)
 *   npm run bench -- --quick           ~1.5 s per measurement (or BENCH_QUICK=1)
 *   npm run bench -- --duration 10     seconds per measurement
 *   npm run bench -- --cpu-prof        profile the provider (bench/results/profiles/) and summarise where its time goes
 *   npm run bench -- --soak [--soak-seconds 300]   half the max throughput for 5 min: errors and RSS growth
 *   npm run bench -- --systems ours,mockpass,scaled --concurrency 1,8,32 --sdk-iterations 300
 *   npm run bench -- --sdk-only        only the SDK CPU bench (~1 min), with its two targets
 *   npm run bench -- --singpass-sdk-only   only the Singpass SDK CPU bench (bench/singpass-sdk-cpu.ts), with its target
 *   npm run bench -- --singpass-only   only the Singpass provider: FAPI logins on SQLite and PostgreSQL + Redis, CPU vs its crypto floor
 *
 * Full logins (PKCE → authorize in automation mode → token → userinfo with 3 fields), fresh
 * each time, at several concurrencies, for our provider + our SDK (SQLite file; PostgreSQL +
 * Redis when reachable) and for MockPass + the official SDK, alternating the systems. Each
 * server runs in its own process (RSS and CPU from /proc are its own); the load generator and
 * the SDKs run here. Singpass FAPI 2.0 logins too (bench/lib/singpass.ts: PAR → authorize → token →
 * userinfo, a fresh DPoP key per login), with the provider's CPU per login beside its crypto floor
 * (bench/singpass-floor.ts, in a fresh process). Then the SDK CPU bench (bench/sdk-cpu.ts). Results: a table, targets with
 * PASS/MISS, bench/results/<timestamp>.json|svg and latest.json|svg. Only 127.0.0.1 is used.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { percentile, runClosedLoop, runPaced } from './lib/load.js';
import type { Login } from './lib/load.js';
import { ROOT, killAllChildren, mockPassClientKey, reachable, runCli, startMockPass, startProvider } from './lib/processes.js';
import type { ServerProcess } from './lib/processes.js';
import { formatProfileSummary, summariseProfile } from './lib/profile.js';
import { barChartSvg, runsTable, table, targetsTable } from './lib/report.js';
import type { RunRow, Target } from './lib/report.js';
import { REDIRECT_URI, SCOPE, officialSdkLogin, ourSdkLogin } from './lib/systems.js';
import type { Credentials } from './lib/systems.js';
import type { SdkCpuBenchResult } from './sdk-cpu.js';
import type { SingpassSdkCpuBenchResult } from './singpass-sdk-cpu.js';
import type { SingpassFloorResult } from './singpass-floor.js';
import { singpassRp } from './lib/singpass.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: process.env['BENCH_QUICK'] === '1' },
    duration: { type: 'string' },
    soak: { type: 'boolean', default: false },
    'sdk-only': { type: 'boolean', default: false },
    'singpass-sdk-only': { type: 'boolean', default: false },
    'singpass-only': { type: 'boolean', default: false },
    'soak-seconds': { type: 'string', default: '300' },
    'cpu-prof': { type: 'boolean', default: false },
    systems: { type: 'string', default: 'ours,mockpass,scaled,singpass,singpass-scaled' },
    concurrency: { type: 'string', default: '1,8,32' },
    'sdk-iterations': { type: 'string' },
    'database-url': { type: 'string', default: process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test' },
    'redis-url': { type: 'string', default: process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (args.help) {
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(await import('node:fs').then((fs) => fs.readFileSync(new URL(import.meta.url), 'utf8')))?.[1] ?? '';
  console.log(doc.replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

const durationS = Number(args.duration ?? process.env['BENCH_DURATION'] ?? (args.quick ? 1.5 : 5));
if (!(durationS > 0 && durationS <= 600)) throw new Error('--duration must be between 0 and 600 seconds');
const warmupS = args.quick ? 0.5 : Math.min(2, durationS / 2);
const concurrencies = args.concurrency.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 1024);
const systemsWanted = new Set(args.systems.split(',').map((s) => s.trim()));
const soakSeconds = Number(args['soak-seconds']);
const RESULTS = join(ROOT, 'bench/results');
const PROFILES = join(RESULTS, 'profiles');
const TTY = process.stdout.isTTY;

// Everything stops by itself: a watchdog well past the longest plausible run.
const expectedS = args.soak ? soakSeconds + 60 : concurrencies.length * Math.max(3, systemsWanted.size) * (durationS + warmupS) + 180;
const watchdog = setTimeout(() => {
  console.error(`\nbench: still running after ${Math.round(expectedS * 2)} s; stopping`);
  killAllChildren();
  process.exit(3);
}, expectedS * 2000);
watchdog.unref();
process.on('exit', killAllChildren);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAllChildren();
    process.exit(130);
  });
}

const log = (s = '') => console.log(s);
const status = (s: string) => {
  if (TTY) process.stdout.write(`\r\x1b[2K${s}`);
};
const endStatus = (s: string) => (TTY ? process.stdout.write(`\r\x1b[2K${s}\n`) : log(s));

interface System {
  key: string;
  name: string;
  server: ServerProcess;
  login: Login;
  note?: string;
  /** Date.now() when its first measurement (warm-up) began. */
  loadFrom?: number;
}

const tmp = mkdtempSync(join(tmpdir(), 'sgid-bench-'));
const started: ServerProcess[] = [];

async function registerClient(storeArgs: string[]): Promise<Credentials> {
  const out = await runCli(['clients', 'create', '--name', 'Bench', '--redirect-uri', REDIRECT_URI, '--scope', SCOPE, '--json', ...storeArgs]);
  const creds = JSON.parse(out) as { id: string; secret: string; privateKey?: string };
  if (!creds.privateKey) throw new Error('clients create returned no private key');
  return { id: creds.id, secret: creds.secret, privateKey: creds.privateKey };
}

async function firstPersona(storeArgs: string[]): Promise<string> {
  const personas = JSON.parse(await runCli(['personas', 'list', '--json', ...storeArgs])) as { id: string }[];
  if (!personas[0]) throw new Error('no personas');
  return personas[0].id;
}

async function ourSystem(key: string, name: string, storeArgs: string[]): Promise<System> {
  const t0 = Date.now();
  const creds = await registerClient(storeArgs);
  const persona = await firstPersona(storeArgs);
  const server = await startProvider({ storeArgs, autoApprove: persona, name, ...(args['cpu-prof'] ? { cpuProfDir: PROFILES } : {}) });
  started.push(server);
  const { login, fallback } = await ourSdkLogin(server.url, creds);
  log(`  ${name}: pid ${server.pid}, ${server.url}, persona ${persona}, client ${creds.id} (${Date.now() - t0} ms to start)`);
  if (fallback) log(`  NOTE ${fallback}`);
  return { key, name, server, login, ...(fallback ? { note: fallback } : {}) };
}

/** Our provider serving Singpass FAPI 2.0 logins (automation mode), a Myinfo app with 3 items. */
async function singpassSystem(key: string, name: string, storeArgs: string[]): Promise<System> {
  const t0 = Date.now();
  const persona = await firstPersona(storeArgs);
  const server = await startProvider({ storeArgs, autoApprove: persona, name, ...(args['cpu-prof'] ? { cpuProfDir: PROFILES } : {}) });
  started.push(server);
  const { clientId, login } = await singpassRp(server.url, storeArgs, tmp);
  log(`  ${name}: pid ${server.pid}, ${server.url}/fapi, persona ${persona}, client ${clientId} (${Date.now() - t0} ms to start)`);
  return { key, name, server, login };
}

/** The PostgreSQL + Redis store for a system, or why it cannot run. */
async function scaledStoreArgs(): Promise<string[] | string> {
  const db = new URL(args['database-url']);
  const redis = new URL(args['redis-url']);
  const dbUp = await reachable(db.hostname, Number(db.port || 5432));
  const redisUp = await reachable(redis.hostname, Number(redis.port || 6379));
  if (!dbUp || !redisUp) {
    return `skipped: ${[!dbUp && `PostgreSQL not reachable at ${db.host}`, !redisUp && `Redis not reachable at ${redis.host}`].filter(Boolean).join(', ')}`;
  }
  return ['--database-url', args['database-url'], '--redis-url', args['redis-url']];
}

/** The Singpass systems wanted: SQLite and PostgreSQL + Redis. Problems become notes. */
async function singpassSystems(notes: string[]): Promise<System[]> {
  const out: System[] = [];
  if (systemsWanted.has('singpass')) out.push(await singpassSystem('singpass-sqlite', 'Singpass FAPI, ours (SQLite file)', ['--data', join(tmp, 'singpass.db')]));
  if (systemsWanted.has('singpass-scaled')) {
    const storeArgs = await scaledStoreArgs();
    if (typeof storeArgs === 'string') {
      log(`  Singpass FAPI (PostgreSQL + Redis): ${storeArgs}`);
      notes.push(`Singpass PostgreSQL + Redis ${storeArgs}`);
    } else {
      try {
        out.push(await singpassSystem('singpass-scaled', 'Singpass FAPI, ours (PostgreSQL + Redis)', storeArgs));
      } catch (err) {
        notes.push(`Singpass PostgreSQL + Redis skipped: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  }
  return out;
}

async function mockPassSystem(): Promise<System> {
  const server = await startMockPass();
  started.push(server);
  const login = await officialSdkLogin(server.url, mockPassClientKey());
  log(`  MockPass 4.3.4: pid ${server.pid}, ${server.url} (official @opengovsg/sgid-client 2.3 as the client)`);
  return { key: 'mockpass', name: 'MockPass + official SDK', server, login };
}

async function scaledSystem(): Promise<System | string> {
  const storeArgs = await scaledStoreArgs();
  if (typeof storeArgs === 'string') return storeArgs;
  try {
    return await ourSystem('ours-scaled', 'ours (PostgreSQL + Redis) + our SDK', storeArgs);
  } catch (err) {
    return `skipped: the PostgreSQL + Redis store failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

async function measure(sys: System, concurrency: number): Promise<RunRow> {
  const label = `${sys.name}, concurrency ${concurrency}`;
  status(`${label}: warming up…`);
  sys.loadFrom ??= Date.now();
  await runClosedLoop(sys.login, concurrency, warmupS * 1000, { maxErrors: 20 });
  const before = sys.server.stats();
  const cpu0 = process.cpuUsage();
  const r = await runClosedLoop(sys.login, concurrency, durationS * 1000, {
    onTick: (done, ms) => status(`${label}: ${done} logins, ${((done * 1000) / ms).toFixed(0)}/s…`),
  });
  const cpu = process.cpuUsage(cpu0);
  const after = sys.server.stats();
  const n = Math.max(1, r.logins);
  const row: RunRow = {
    system: sys.name,
    key: sys.key,
    concurrency,
    loginsPerSec: (r.logins * 1000) / r.elapsedMs,
    logins: r.logins,
    errors: r.errors,
    ...(r.firstError ? { firstError: r.firstError } : {}),
    p50Ms: percentile(r.latencies, 50),
    p99Ms: percentile(r.latencies, 99),
    providerCpuMsPerLogin: before && after ? (after.cpuMs - before.cpuMs) / n : NaN,
    loadGenCpuMsPerLogin: (cpu.user + cpu.system) / 1000 / n,
    providerPeakRssMb: after?.peakRssMb ?? NaN,
    providerRssMb: after?.rssMb ?? NaN,
  };
  endStatus(
    `  ${label}: ${row.loginsPerSec.toFixed(0)} logins/s, p50 ${row.p50Ms.toFixed(1)} ms, p99 ${row.p99Ms.toFixed(1)} ms, ` +
      `${row.errors} errors, provider ${row.providerCpuMsPerLogin.toFixed(2)} ms CPU/login, peak RSS ${row.providerPeakRssMb.toFixed(0)} MB`,
  );
  if (r.firstError) log(`    first error: ${r.firstError}`);
  return row;
}

/** Logins each of our providers served (for its profile's per-login figures). */
function loginsByPid(systems: System[], runs: RunRow[]): Map<number, { logins: number; skipMs: number }> {
  const out = new Map<number, { logins: number; skipMs: number }>();
  for (const s of systems) {
    if (s.key === 'mockpass') continue;
    // Warm-up logins are in the profile too: count them roughly (same rate as the measurement).
    const rows = runs.filter((r) => r.key === s.key);
    const logins = rows.reduce((a, r) => a + r.logins + r.loginsPerSec * warmupS, 0);
    out.set(s.server.pid, { logins: Math.round(logins), skipMs: (s.loadFrom ?? s.server.spawnedAt) - s.server.spawnedAt });
  }
  return out;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z');
}

function machine() {
  const c = cpus();
  return { cpus: c.length, cpuModel: c[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** Stops the servers (a profiled provider writes its .cpuprofile on exit) and summarises the profiles. */
async function stopAll(loginsByPid: Map<number, { logins: number; skipMs: number }>): Promise<string[]> {
  const t0 = Date.now();
  await Promise.all(started.map((s) => s.stop()));
  started.length = 0;
  if (!args['cpu-prof']) return [];
  const summaries: string[] = [];
  for (const [pid, { logins, skipMs }] of loginsByPid) {
    const file = readdirSync(PROFILES)
      .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.0.`)) // thread 0: the main thread (tsx's loader thread writes .1.)
      .map((f) => join(PROFILES, f))
      .find((f) => statSync(f).mtimeMs >= t0 - 1000);
    if (!file) {
      summaries.push(`no .cpuprofile for pid ${pid} in ${PROFILES}`);
      continue;
    }
    const text = formatProfileSummary(summariseProfile(file, 25, skipMs), logins);
    writeFileSync(file.replace(/\.cpuprofile$/, '.summary.txt'), `${text}\n`);
    summaries.push(text);
  }
  return summaries;
}

function writeResults(kind: string, json: unknown, svg?: string): void {
  mkdirSync(RESULTS, { recursive: true });
  const ts = timestamp();
  const suffix = kind ? `-${kind}` : '';
  const body = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(join(RESULTS, `${ts}${suffix}.json`), body);
  writeFileSync(join(RESULTS, `latest${suffix}.json`), body);
  if (svg) {
    writeFileSync(join(RESULTS, `${ts}${suffix}.svg`), svg);
    writeFileSync(join(RESULTS, `latest${suffix}.svg`), svg);
  }
  log(`Results: bench/results/${ts}${suffix}.json${svg ? ` and .svg` : ''} (also latest${suffix}.json${svg ? `/latest${suffix}.svg` : ''})`);
}

/**
 * An SDK CPU bench (bench/sdk-cpu.ts, bench/singpass-sdk-cpu.ts), in a fresh process: after the
 * load runs this one holds a large heap and JIT state that moved the SDK figures by ±10 % from
 * run to run. A failure becomes a note.
 */
async function inFreshProcess<T>(file: string, notes: string[]): Promise<T | undefined> {
  try {
    const iterations = args['sdk-iterations'] ? Number(args['sdk-iterations']) : args.quick ? 200 : 1000;
    const rounds = args.quick ? 3 : 5;
    const child = spawn(process.execPath, ['--conditions=sgid-source', '--import', 'tsx', join(ROOT, file), String(iterations), String(rounds), '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    createInterface({ input: child.stderr }).on('line', (line) => log(`  ${line}`));
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) throw new Error(`${file} exited with ${code}`);
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as T;
  } catch (err) {
    log(`  ${file} failed: ${(err as Error).message}`);
    notes.push(`${file} failed: ${(err as Error).message}`);
    return undefined;
  }
}

const sdkCpu = (notes: string[]) => inFreshProcess<SdkCpuBenchResult>('bench/sdk-cpu.ts', notes);
const singpassSdkCpu = (notes: string[]) => inFreshProcess<SingpassSdkCpuBenchResult>('bench/singpass-sdk-cpu.ts', notes);
const singpassFloor = (notes: string[]) => inFreshProcess<SingpassFloorResult>('bench/singpass-floor.ts', notes);

/** The Singpass provider's target (issue: provider CPU per FAPI login ≤ 2× its crypto floor), per Singpass system at the top concurrency. */
function singpassProviderTargets(runs: RunRow[], floor: SingpassFloorResult | undefined, top: number): Target[] {
  return runs
    .filter((r) => r.key.startsWith('singpass') && r.concurrency === top)
    .map((r) => ({
      name: `${r.system}: provider CPU / crypto floor (c=${top})`,
      value: floor ? `${(r.providerCpuMsPerLogin / floor.floorMsPerLogin).toFixed(2)}× (${r.providerCpuMsPerLogin.toFixed(2)} / ${floor.floorMsPerLogin.toFixed(2)} ms)` : '—',
      goal: '≤ 2×',
      pass: floor ? r.providerCpuMsPerLogin <= 2 * floor.floorMsPerLogin : null,
    }));
}

function singpassFloorTable(floor: SingpassFloorResult): string {
  return table(
    ['Singpass provider crypto floor per FAPI login (node:crypto)', 'ms'],
    [
      ['5 ES256 verifications (assertions ×2, DPoP proofs ×3 with key import)', floor.parts.verifyMs.toFixed(3)],
      ['3 ES256 signatures (access token, ID token, userinfo)', floor.parts.signMs.toFixed(3)],
      ['2 ECDH-ES+A256KW encryptions (ID token, userinfo)', floor.parts.encryptMs.toFixed(3)],
      ['floor (measured together)', floor.floorMsPerLogin.toFixed(3)],
    ],
    [false, true],
  );
}

/** `--singpass-only`: Singpass FAPI logins on our provider, and the floor. */
async function singpassOnlyRun(): Promise<number> {
  const m = machine();
  log(`Singpass provider benchmark — ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  log(`FAPI 2.0 Myinfo logins (PAR → authorize 302 → token → userinfo, fresh DPoP key), ${durationS} s per measurement after ${warmupS} s warm-up, concurrency ${concurrencies.join(', ')}`);
  const notes: string[] = [];
  const systems = await singpassSystems(notes);
  log();
  const runs: RunRow[] = [];
  for (const c of concurrencies) for (const sys of systems) runs.push(await measure(sys, c));
  const profiles = await stopAll(loginsByPid(systems, runs));
  log('Singpass provider crypto floor (bench/singpass-floor.ts, servers stopped)…');
  const floor = await singpassFloor(notes);
  const top = Math.max(...concurrencies);
  const targets = [...singpassProviderTargets(runs, floor, top), { name: 'errors during the runs', value: String(runs.reduce((a, r) => a + r.errors, 0)), goal: '0', pass: runs.every((r) => r.errors === 0) }];
  log();
  log(runsTable(runs));
  if (floor) {
    log();
    log(singpassFloorTable(floor));
  }
  if (floor) {
    log();
    log(singpassFloorTable(floor));
  }
  log();
  log(targetsTable(targets));
  if (notes.length) log(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  for (const p of profiles) log(`\n${p}`);
  const svg = barChartSvg(runs, 'Singpass FAPI 2.0 logins per second (PAR → authorize → token → userinfo)', `${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${durationS} s per bar, ${new Date().toISOString().slice(0, 10)}`);
  writeResults('singpass', { kind: 'singpass', date: new Date().toISOString(), machine: m, durationS, warmupS, runs, singpassFloor: floor ?? null, targets, notes }, svg);
  return targets.every((t) => t.pass !== false) ? 0 : 1;
}

/** The Singpass SDK's target (issue: ≤ 1.5× its crypto floor). */
function singpassSdkTargets(sdk: SingpassSdkCpuBenchResult | undefined): Target[] {
  return [{ name: 'Singpass SDK CPU: ours / crypto floor', value: sdk ? `${sdk.oursVsFloor.toFixed(2)}×` : '—', goal: '≤ 1.5×', pass: sdk ? sdk.oursVsFloor <= 1.5 : null }];
}

/** `--singpass-sdk-only`: the Singpass SDK CPU bench alone. */
async function singpassSdkOnlyRun(): Promise<number> {
  const m = machine();
  log(`Singpass SDK CPU benchmark — ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  const notes: string[] = [];
  const sdk = await singpassSdkCpu(notes);
  const targets = singpassSdkTargets(sdk);
  log();
  log(targetsTable(targets));
  writeResults('singpass-sdk', { kind: 'singpass-sdk', date: new Date().toISOString(), machine: m, singpassSdkCpu: sdk ?? null, targets, notes });
  return sdk && targets.every((t) => t.pass) ? 0 : 1;
}

/** The SDK's two targets (issue: ≤ 1.5× the crypto floor, ≥ 4× less CPU than the official SDK). */
function sdkTargets(sdk: SdkCpuBenchResult | undefined): Target[] {
  return [
    { name: 'SDK CPU: ours / crypto floor', value: sdk ? `${sdk.oursVsFloor.toFixed(2)}×` : '—', goal: '≤ 1.5×', pass: sdk ? sdk.oursVsFloor <= 1.5 : null },
    { name: 'SDK CPU: official / ours', value: sdk ? `${sdk.officialVsOurs.toFixed(2)}×` : '—', goal: '≥ 4×', pass: sdk ? sdk.officialVsOurs >= 4 : null },
  ];
}

/** `--sdk-only`: the SDK CPU bench alone. */
async function sdkOnlyRun(): Promise<number> {
  const m = machine();
  log(`sgID SDK CPU benchmark — ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  const notes: string[] = [];
  const sdk = await sdkCpu(notes);
  const targets = sdkTargets(sdk);
  log();
  log(targetsTable(targets));
  writeResults('sdk', { kind: 'sdk', date: new Date().toISOString(), machine: m, sdkCpu: sdk ?? null, targets, notes });
  return sdk && targets.every((t) => t.pass) ? 0 : 1;
}

async function mainRun(): Promise<number> {
  const m = machine();
  log(`sgID provider benchmark — ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  log(`Full logins (authorize 302 → token → userinfo with 3 fields), ${durationS} s per measurement after ${warmupS} s warm-up, concurrency ${concurrencies.join(', ')}`);
  log('Starting the systems (each server in its own process; the load generator and SDKs run here)…');
  const systems: System[] = [];
  const notes: string[] = [];
  if (systemsWanted.has('ours')) systems.push(await ourSystem('ours-sqlite', 'ours (SQLite file) + our SDK', ['--data', join(tmp, 'bench.db')]));
  if (systemsWanted.has('mockpass')) systems.push(await mockPassSystem());
  if (systemsWanted.has('scaled')) {
    const s = await scaledSystem();
    if (typeof s === 'string') {
      log(`  ours (PostgreSQL + Redis): ${s}`);
      notes.push(`PostgreSQL + Redis ${s}`);
    } else systems.push(s);
  }
  systems.push(...(await singpassSystems(notes)));
  for (const s of systems) if (s.note) notes.push(s.note);
  log();

  const runs: RunRow[] = [];
  for (const c of concurrencies) {
    for (const sys of systems) runs.push(await measure(sys, c));
  }
  const profiles = await stopAll(loginsByPid(systems, runs));

  log();
  log('SDK CPU per login (bench/sdk-cpu.ts, servers stopped)…');
  const sdk = await sdkCpu(notes);
  log('Singpass SDK CPU per login (bench/singpass-sdk-cpu.ts)…');
  const singpassSdk = await singpassSdkCpu(notes);
  const floor = runs.some((r) => r.key.startsWith('singpass')) ? await (async () => {
    log('Singpass provider crypto floor (bench/singpass-floor.ts)…');
    return singpassFloor(notes);
  })() : undefined;

  const at = (key: string, c: number) => runs.find((r) => r.key === key && r.concurrency === c);
  const top = Math.max(...concurrencies);
  const ours = at('ours-sqlite', top);
  const mock = at('mockpass', top);
  const targets: Target[] = [
    { name: `logins/s at concurrency ${top}, SQLite`, value: ours ? ours.loginsPerSec.toFixed(0) : '—', goal: '≥ 1500', pass: ours ? ours.loginsPerSec >= 1500 : null },
    {
      name: `vs MockPass + official SDK (c=${top}, same run)`,
      value: ours && mock ? `${(ours.loginsPerSec / mock.loginsPerSec).toFixed(1)}×` : '—',
      goal: '≥ 5×',
      pass: ours && mock ? ours.loginsPerSec >= 5 * mock.loginsPerSec : null,
    },
    { name: `p99 per login at concurrency ${top}, SQLite`, value: ours ? `${ours.p99Ms.toFixed(1)} ms` : '—', goal: '< 50 ms', pass: ours ? ours.p99Ms < 50 : null },
    { name: 'errors during the runs', value: String(runs.reduce((a, r) => a + r.errors, 0)), goal: '0', pass: runs.every((r) => r.errors === 0) },
    ...sdkTargets(sdk),
    ...singpassSdkTargets(singpassSdk),
    ...singpassProviderTargets(runs, floor, top),
  ];

  log();
  log(runsTable(runs));
  const ratios = concurrencies
    .map((c) => {
      const a = at('ours-sqlite', c);
      const b = at('mockpass', c);
      return a && b ? `c=${c}: ${(a.loginsPerSec / b.loginsPerSec).toFixed(1)}×` : '';
    })
    .filter(Boolean);
  if (ratios.length) log(`\nours (SQLite) vs MockPass + official SDK: ${ratios.join(', ')}`);
  if (sdk) {
    log();
    log(
      table(
        ['SDK CPU per login (callback + userinfo)', 'ms'],
        [
          ['crypto floor (node:crypto)', sdk.floorMsPerLogin.toFixed(3)],
          ['reference: the login inline, no error handling', sdk.inlineMsPerLogin.toFixed(3)],
          ['sgid-client (ours)', sdk.oursMsPerLogin.toFixed(3)],
          ['@opengovsg/sgid-client (official)', sdk.officialMsPerLogin.toFixed(3)],
        ],
        [false, true],
      ),
    );
  }
  log();
  log(targetsTable(targets));
  if (notes.length) log(`\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  for (const p of profiles) log(`\n${p}`);
  if (targets.some((t) => t.pass === false) && !args['cpu-prof']) log('\nA target is missed: `npm run bench -- --cpu-prof` shows where the provider spends its time.');
  log();

  const svg = barChartSvg(runs.filter((r) => !r.key.startsWith('singpass')), 'Full sgID logins per second (authorize → token → userinfo, 3 fields)', `${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${durationS} s per bar, ${new Date().toISOString().slice(0, 10)}`);
  writeResults('', { kind: 'bench', date: new Date().toISOString(), machine: m, durationS, warmupS, scope: SCOPE, runs, sdkCpu: sdk ?? null, singpassSdkCpu: singpassSdk ?? null, singpassFloor: floor ?? null, targets, notes }, svg);
  return 0;
}

async function soakRun(): Promise<number> {
  const m = machine();
  log(`sgID provider soak — ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  const sys = await ourSystem('ours-sqlite', 'ours (SQLite file) + our SDK', ['--data', join(tmp, 'soak.db')]);
  log('Measuring the max throughput at concurrency 32…');
  const max = await measure(sys, 32);
  const rate = max.loginsPerSec / 2;
  const warmS = Math.min(60, soakSeconds * 0.2);
  log(`Soak: ${rate.toFixed(0)} logins/s (half of ${max.loginsPerSec.toFixed(0)}) for ${soakSeconds} s; RSS baseline after ${warmS.toFixed(0)} s of warm-up`);
  const samples: { s: number; rssMb: number; logins: number; errors: number }[] = [];
  const r = await runPaced(sys.login, rate, soakSeconds * 1000, {
    sampleMs: 5000,
    maxInFlight: 256,
    onSample: (ms, done, errors) => {
      const st = sys.server.stats();
      samples.push({ s: ms / 1000, rssMb: st?.rssMb ?? NaN, logins: done, errors });
      status(`  ${(ms / 1000).toFixed(0)} s: ${done} logins, ${errors} errors, provider RSS ${st?.rssMb.toFixed(0)} MB`);
    },
  });
  const end = sys.server.stats();
  endStatus(`  done: ${r.logins} logins, ${r.errors} errors, ${r.dropped} arrivals dropped (more than 256 in flight)`);
  if (r.firstError) log(`  first error: ${r.firstError}`);
  await stopAll(new Map([[sys.server.pid, { logins: r.logins + max.logins, skipMs: (sys.loadFrom ?? sys.server.spawnedAt) - sys.server.spawnedAt }]])).then((p) => p.forEach((x) => log(`\n${x}`)));

  const base = samples.find((x) => x.s >= warmS) ?? samples[0];
  const after = samples.filter((x) => x.s >= warmS);
  const maxRss = Math.max(...after.map((x) => x.rssMb), end?.rssMb ?? 0);
  const growth = base ? ((end?.rssMb ?? maxRss) - base.rssMb) / base.rssMb : NaN;
  const targets: Target[] = [
    { name: 'errors', value: String(r.errors), goal: '0', pass: r.errors === 0 },
    { name: 'arrivals dropped (backlog > 256)', value: String(r.dropped), goal: '0', pass: r.dropped === 0 },
    { name: `provider RSS growth after ${warmS.toFixed(0)} s warm-up`, value: `${(growth * 100).toFixed(1)}% (${base?.rssMb.toFixed(0)} → ${end?.rssMb.toFixed(0)} MB, max ${maxRss.toFixed(0)})`, goal: '≤ 20%', pass: growth <= 0.2 },
  ];
  log();
  log(`achieved ${((r.logins * 1000) / r.elapsedMs).toFixed(0)} logins/s, p50 ${percentile(r.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.latencies, 99).toFixed(1)} ms`);
  log(targetsTable(targets));
  writeResults('soak', { kind: 'soak', date: new Date().toISOString(), machine: m, soakSeconds, rate, maxThroughput: max, logins: r.logins, errors: r.errors, dropped: r.dropped, firstError: r.firstError ?? null, p50Ms: percentile(r.latencies, 50), p99Ms: percentile(r.latencies, 99), samples, targets });
  return targets.every((t) => t.pass) ? 0 : 1;
}

let code = 1;
try {
  if (args['cpu-prof']) mkdirSync(PROFILES, { recursive: true });
  code = args.soak ? await soakRun() : args['sdk-only'] ? await sdkOnlyRun() : args['singpass-sdk-only'] ? await singpassSdkOnlyRun() : args['singpass-only'] ? await singpassOnlyRun() : await mainRun();
} catch (err) {
  console.error(`\nbench failed: ${(err as Error).stack ?? String(err)}`);
} finally {
  await Promise.all(started.map((s) => s.stop(5000)));
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
