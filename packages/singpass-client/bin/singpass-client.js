#!/usr/bin/env node
// In this repository (src/ present) runs the TypeScript sources through tsx; in an installed
// package (only dist/ and bin/ are published) runs the built CLI.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  // The workspace's packages (sgid-protocol) as sources too: their dist/ is not built here.
  const { register: registerHook } = await import('node:module');
  registerHook('./source-condition.js', import.meta.url);
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli.js', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
