#!/usr/bin/env node
// Runs a TypeScript entry point from source: workspace packages resolve to their src/ through
// the "sgid-source" export condition, and tsx compiles on load (no build step in development).
import { spawn } from 'node:child_process';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs FILE.ts [args…]');
  process.exit(2);
}
const child = spawn(process.execPath, ['--conditions=sgid-source', '--import', 'tsx', entry, ...args], {
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
