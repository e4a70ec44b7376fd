import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsumerProject } from '../consumer.ts';
import type { Check } from '../shipped.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures');

function copyFixtures(project: ConsumerProject, ...files: string[]): void {
  for (const file of files) copyFileSync(join(FIXTURES, file), join(project.dir, file.split('/').pop()!));
}

/** Runs one of the login entries and returns what it printed, after checking which build it loaded. */
async function loginWith(project: ConsumerProject, args: string[], build: string): Promise<void> {
  const { url, persona } = await project.provider();
  copyFixtures(project, 'client/login.cjs', 'client/esm.mjs', 'client/cjs.cjs', 'jest-like-require.cjs');
  const result = await project.run(process.execPath, args, { env: { PROVIDER_URL: url } });
  assert.equal(result.code, 0, `node ${args.join(' ')}:\n${result.stderr}`);
  const out = JSON.parse(result.stdout) as { sub: string; name: string; defaultExport: boolean; file: string };
  assert.equal(out.name, persona.name, 'the persona’s name, decrypted');
  assert.ok(out.sub.length > 10);
  assert.ok(out.defaultExport, 'the default export is SgidClient');
  assert.ok(out.file.includes(join(project.dir, 'node_modules/sgid-client/dist', build)), `loaded ${out.file}`);
}

export const clientChecks: Check[] = [
  {
    name: 'ESM import: a whole login against the installed provider',
    run: (project) => loginWith(project, ['esm.mjs'], 'index.js'),
  },
  {
    name: 'CommonJS require without require(esm) (as on Node 20 < 20.19, 22 < 22.12): a whole login',
    run: (project) => loginWith(project, ['--no-experimental-require-module', 'cjs.cjs'], 'index.cjs'),
  },
  {
    name: 'CommonJS loaded the way jest 29 loads it (vm-compiled CommonJS, no ES modules): a whole login',
    run: (project) => loginWith(project, ['--no-experimental-require-module', 'jest-like-require.cjs', './cjs.cjs'], 'index.cjs'),
  },
  {
    name: 'the CommonJS build requires nothing but Node built-ins (jose and sgid-protocol are inlined)',
    async run(project) {
      const cjs = project.read('node_modules/sgid-client/dist/index.cjs');
      const required = [...cjs.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
      assert.deepEqual(required, [], `require() calls left in index.cjs: ${required.join(', ')}`);
      assert.match(cjs.slice(0, 400), /This file includes jose [\d.]+ \(https:\/\/github.com\/panva\/jose\)/, 'jose’s licence notice');
      const esm = project.read('node_modules/sgid-client/dist/index.js');
      assert.match(esm, /from "jose"/, 'the ESM build shares the app’s jose');
      assert.doesNotMatch(esm, /from ["']sgid-protocol["']/);
    },
  },
  {
    name: 'types: the consumer’s tsc resolves them for ESM and CommonJS, with Node’s types and with the DOM’s',
    async run(project) {
      for (const name of ['types.mts', 'types.cts']) copyFileSync(join(FIXTURES, 'client/types.ts'), join(project.dir, name));
      const strict = { strict: true, noEmit: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' };
      const configs = {
        'tsconfig.node.json': { compilerOptions: { ...strict, lib: ['es2023'], types: ['node'] }, files: ['types.mts', 'types.cts'] },
        'tsconfig.web.json': { compilerOptions: { ...strict, lib: ['es2023', 'dom'], types: [] }, files: ['types.mts', 'types.cts'] },
      };
      for (const [file, config] of Object.entries(configs)) {
        project.write(file, JSON.stringify(config, null, 2));
        const tsc = await project.run('npx', ['tsc', '-p', file], { timeoutMs: 300_000 });
        assert.equal(tsc.code, 0, `tsc -p ${file}:\n${tsc.stdout}${tsc.stderr}`);
      }
      // Which declaration file each entry resolved to.
      const trace = await project.run('npx', ['tsc', '-p', 'tsconfig.node.json', '--traceResolution'], { timeoutMs: 300_000 });
      assert.match(trace.stdout, /'sgid-client' was successfully resolved to '[^']*\/node_modules\/sgid-client\/dist\/index\.d\.ts'/);
      assert.match(trace.stdout, /'sgid-client' was successfully resolved to '[^']*\/node_modules\/sgid-client\/dist\/index\.d\.cts'/);
    },
  },
];
