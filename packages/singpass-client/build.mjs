#!/usr/bin/env node
// Builds dist/, what the package ships (as packages/client does):
// - index.js    ESM bundle: sgid-protocol's Singpass constants inlined; jose and oauth4webapi kept as dependencies (an app that uses them
//               shares one copy, and their fixes reach it without a release of ours).
// - index.cjs   CommonJS bundle with both inlined: they ship only ES modules, so `require()` of
//               them fails wherever require(esm) is missing (Node 20 before 20.19, 22 before
//               22.12, jest 29's CommonJS runtime). Their licences travel in the bundle's header.
// - index.d.ts / index.d.cts  one self-contained declaration file (dts-bundle-generator), the
//               same text under both names so ESM and CommonJS consumers each get their own.
// - cli.js      the `singpass-client` command (Node only).
// `bundleOptions` is exported so the benchmark (bench/singpass-sdk-cpu.ts) measures code
// compiled as ESM users get it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, 'dist');
const INLINED_IN_CJS = [
  ['jose', 'https://github.com/panva/jose'],
  ['oauth4webapi', 'https://github.com/panva/oauth4webapi'],
];

/** esbuild options for the SDK's ESM bundle (add entryPoints or stdin, format, outfile). */
export const bundleOptions = {
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external: INLINED_IN_CJS.map(([name]) => name),
  conditions: ['sgid-source'],
  mainFields: ['module', 'main'],
  sourcemap: true,
  logLevel: 'warning',
};

/** The licences of what the CommonJS bundle inlines, as one legal comment. */
function notices() {
  const parts = INLINED_IN_CJS.map(([name, url]) => {
    const dir = dirname(require.resolve(`${name}/package.json`, { paths: [here] }));
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licence = readFileSync(join(dir, 'LICENSE.md'), 'utf8').trim().replaceAll('*/', '* /');
    return [`This file includes ${name} ${version} (${url}):`, '', ...licence.split('\n')];
  });
  return `/*!\n${parts
    .flatMap((lines, i) => (i ? ['', ...lines] : lines))
    .map((line) => ` * ${line}`.trimEnd())
    .join('\n')}\n */`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  rmSync(dist, { recursive: true, force: true });
  const common = { ...bundleOptions, entryPoints: [join(here, 'src/index.ts')] };
  await build({ ...common, format: 'esm', outfile: join(dist, 'index.js') });
  await build({ ...common, external: [], banner: { js: notices() }, format: 'cjs', outfile: join(dist, 'index.cjs') });
  await build({ ...bundleOptions, platform: 'node', entryPoints: [join(here, 'src/cli/main.ts')], format: 'esm', outfile: join(dist, 'cli.js') });

  // Types. The protocol package's declarations first (its types are inlined from its dist/).
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
