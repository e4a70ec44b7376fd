#!/usr/bin/env node
// Builds dist/: an ESM and a CommonJS bundle (esbuild; sgid-protocol inlined, jose kept as a
// dependency) and type declarations (tsc --emitDeclarationOnly). `bundleOptions` is exported so
// the SDK benchmark (bench/sdk-cpu.ts) measures code compiled exactly as users get it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, 'dist');

/** esbuild options for the SDK's bundles (add entryPoints, format, outfile). */
export const bundleOptions = {
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external: ['jose'],
  conditions: ['sgid-source'],
  mainFields: ['module', 'main'],
  sourcemap: true,
  logLevel: 'warning',
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(dist, { recursive: true, force: true });
  const common = { ...bundleOptions, entryPoints: [join(here, 'src/index.ts')] };
  await build({ ...common, format: 'esm', outfile: join(dist, 'index.js') });
  await build({ ...common, format: 'cjs', outfile: join(dist, 'index.cjs') });

  // Types: the protocol package's declarations first (project reference), then ours.
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', join(here, '../protocol')], { stdio: 'inherit' });
  execFileSync(
    process.execPath,
    [tsc, '-p', join(here, 'tsconfig.json'), '--emitDeclarationOnly', '--declaration', '--declarationMap', 'false', '--composite', 'false', '--incremental', 'false', '--outDir', dist],
    { stdio: 'inherit' },
  );
  // The CommonJS entry's types: same declarations (TypeScript reads index.d.ts for both).
  writeFileSync(join(dist, 'index.d.cts'), "export * from './index.js';\nexport { default } from './index.js';\n");
}
