#!/usr/bin/env node
// Runs the built CLI when there is one (a published install), else the TypeScript sources
// through tsx with the workspace's "sgid-source" export condition (this repository).
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const dist = new URL('../dist/cli.js', import.meta.url);
let cli;
if (existsSync(dist)) {
  cli = await import(dist.href);
} else {
  register('./source-condition.js', import.meta.url);
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  cli = await import(new URL('../src/cli.ts', import.meta.url).href);
}
const code = await cli.main(process.argv.slice(2));
// A negative code means a server is running: stay alive until it is stopped.
if (code >= 0) process.exit(code);
