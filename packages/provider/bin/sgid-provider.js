#!/usr/bin/env node
// In this repository (src/ is there) runs the TypeScript sources through tsx with the workspace's
// "sgid-source" export condition, so a dist/ left by an earlier build or `npm pack` never runs
// stale code; in an installed package (no src/) runs the built CLI.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  register('./source-condition.js', import.meta.url);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli.js', import.meta.url).href);
}
const code = await cli.main(process.argv.slice(2));
// A negative code means a server is running: stay alive until it is stopped.
if (code >= 0) process.exit(code);
