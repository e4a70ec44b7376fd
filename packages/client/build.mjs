#!/usr/bin/env node
// Builds dist/, what the package ships:
// - index.js   ESM bundle: sgid-protocol inlined, jose kept as a dependency (an app on jose 6
//              shares one copy, and jose's fixes reach it without a release of ours).
// - index.cjs  CommonJS bundle: sgid-protocol AND jose inlined. jose 6 ships only ES modules, so
//              `require("jose")` fails wherever require(esm) is missing — Node 20 before 20.19,
//              22 before 22.12, jest 29's CommonJS runtime — all places where the official SDK
//              loads. jose's licence travels in the bundle's header.
// - index.d.ts / index.d.cts  one self-contained declaration file (dts-bundle-generator, with
//              sgid-protocol's types inlined; no import of any other package), the same text under
//              both names so that ESM and CommonJS consumers each get declarations of their own
//              format.
// `bundleOptions` is exported so the SDK benchmark (bench/sdk-cpu.ts) measures code compiled
// exactly as ESM users get it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, 'dist');

/** esbuild options for the SDK's ESM bundle (add entryPoints, format, outfile). */
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

/** The licence of the jose we inline into the CommonJS bundle, as a legal comment. */
function joseNotice() {
  const joseDir = dirname(require.resolve('jose/package.json', { paths: [here] }));
  const { version } = JSON.parse(readFileSync(join(joseDir, 'package.json'), 'utf8'));
  const licence = readFileSync(join(joseDir, 'LICENSE.md'), 'utf8').trim().replaceAll('*/', '* /');
  return `/*!\n * This file includes jose ${version} (https://github.com/panva/jose):\n *\n${licence
    .split('\n')
    .map((line) => ` * ${line}`.trimEnd())
    .join('\n')}\n */`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(dist, { recursive: true, force: true });
  const common = { ...bundleOptions, entryPoints: [join(here, 'src/index.ts')] };
  await build({ ...common, format: 'esm', outfile: join(dist, 'index.js') });
  await build({ ...common, external: [], banner: { js: joseNotice() }, format: 'cjs', outfile: join(dist, 'index.cjs') });

  // Types. The protocol package's declarations first (they are inlined from its dist/).
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', join(here, '../protocol')], { stdio: 'inherit' });
  const { generateDtsBundle } = require('dts-bundle-generator');
  const [dts] = generateDtsBundle(
    [{ filePath: join(here, 'src/index.ts'), output: { noBanner: true, exportReferencedTypes: false } }],
    { preferredConfigPath: join(here, 'tsconfig.types.json') },
  );
  writeFileSync(join(dist, 'index.d.ts'), dts);
  writeFileSync(join(dist, 'index.d.cts'), dts);
}
