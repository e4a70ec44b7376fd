#!/usr/bin/env node
// Builds dist/: the SDK as an ESM bundle (jose and oauth4webapi kept as dependencies) and as a
// CommonJS bundle with both inlined (they ship only ES modules, and require() of an ES module
// needs Node ≥ 20.19/22.12), type declarations (tsc), and the `singpass-client` CLI (Node only).
// `bundleOptions` is exported so the SDK benchmark measures code compiled as users get it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, 'dist');

/** esbuild options for the SDK's ESM bundle (add entryPoints or stdin, format, outfile). */
export const bundleOptions = {
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external: ['jose', 'oauth4webapi'],
  conditions: ['sgid-source'],
  mainFields: ['module', 'main'],
  sourcemap: true,
  logLevel: 'warning',
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(dist, { recursive: true, force: true });
  const entry = join(here, 'src/index.ts');
  await build({ ...bundleOptions, entryPoints: [entry], format: 'esm', outfile: join(dist, 'index.js') });
  await build({ ...bundleOptions, external: [], entryPoints: [entry], format: 'cjs', outfile: join(dist, 'index.cjs') });
  await build({ ...bundleOptions, platform: 'node', entryPoints: [join(here, 'src/cli/main.ts')], format: 'esm', outfile: join(dist, 'cli.js') });

  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
  execFileSync(
    process.execPath,
    [tsc, '-p', join(here, 'tsconfig.json'), '--emitDeclarationOnly', '--declaration', '--declarationMap', 'false', '--composite', 'false', '--incremental', 'false', '--outDir', dist],
    { stdio: 'inherit' },
  );
  // The CommonJS entry's types: the same declarations.
  writeFileSync(join(dist, 'index.d.cts'), "export * from './index.js';\n");
}
