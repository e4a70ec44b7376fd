import assert from 'node:assert/strict';
import { copyFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsumerProject } from '../consumer.ts';
import type { Check } from '../shipped.ts';
import { startFapiDouble, type FapiDouble } from '../../../packages/singpass-client/test/helpers/fapi-double.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures');

function copyFixtures(project: ConsumerProject, ...files: string[]): void {
  for (const file of files) copyFileSync(join(FIXTURES, file), join(project.dir, file.split('/').pop()!));
}

/**
 * The Singpass side the logins run against: the SDK's FAPI test double (strict about assertions,
 * DPoP keys, PKCE, single-use codes), in this process, over HTTP on 127.0.0.1.
 */
let double: Promise<FapiDouble> | undefined;
function singpass(project: ConsumerProject): Promise<FapiDouble> {
  double ??= startFapiDouble({ appType: 'myinfo' }).then((d) => {
    writeFileSync(join(project.dir, 'singpass-client.json'), JSON.stringify({ clientId: d.clientId, keys: d.clientKeys, redirectUri: d.redirectUri }));
    return d;
  });
  return double;
}

async function loginWith(project: ConsumerProject, args: string[], build: string): Promise<void> {
  const d = await singpass(project);
  copyFixtures(project, 'singpass-client/login.cjs', 'singpass-client/esm.mjs', 'singpass-client/cjs.cjs', 'jest-like-require.cjs');
  const result = await project.run(process.execPath, args, { env: { SINGPASS_ISSUER: d.issuer } });
  assert.equal(result.code, 0, `node ${args.join(' ')}:\n${result.stderr}`);
  const out = JSON.parse(result.stdout) as { sub: string; name: string; publicKeys: number; file: string };
  assert.equal(out.sub, d.sub);
  assert.equal(out.name, 'SOH HAO FENG', 'the person’s name, decrypted and verified');
  assert.equal(out.publicKeys, 2);
  assert.ok(out.file.includes(join(project.dir, 'node_modules/singpass-client/dist', build)), `loaded ${out.file}`);
}

export const singpassClientChecks: Check[] = [
  {
    name: 'ESM import: a whole Myinfo login (PAR, DPoP, encrypted ID token and userinfo)',
    run: (project) => loginWith(project, ['esm.mjs'], 'index.js'),
  },
  {
    name: 'CommonJS require without require(esm): a whole Myinfo login',
    run: (project) => loginWith(project, ['--no-experimental-require-module', 'cjs.cjs'], 'index.cjs'),
  },
  {
    name: 'CommonJS loaded the way jest 29 loads it: a whole Myinfo login',
    run: (project) => loginWith(project, ['--no-experimental-require-module', 'jest-like-require.cjs', './cjs.cjs'], 'index.cjs'),
  },
  {
    name: 'the CommonJS build requires nothing but Node built-ins (jose and oauth4webapi are inlined, with their licences)',
    async run(project) {
      const cjs = project.read('node_modules/singpass-client/dist/index.cjs');
      const required = [...cjs.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]);
      assert.deepEqual(required, [], `require() calls left in index.cjs: ${required.join(', ')}`);
      assert.match(cjs.slice(0, 3000), /This file includes jose [\d.]+ \(https:\/\/github.com\/panva\/jose\)/);
      assert.match(cjs.slice(0, 3000), /This file includes oauth4webapi [\d.]+ \(https:\/\/github.com\/panva\/oauth4webapi\)/);
      const esm = project.read('node_modules/singpass-client/dist/index.js');
      assert.match(esm, /from "jose"/, 'the ESM build shares the app’s jose');
      assert.match(esm, /from "oauth4webapi"/);
    },
  },
  {
    name: 'types: the consumer’s tsc resolves them for ESM and CommonJS, with Node’s types and with the DOM’s',
    async run(project) {
      copyFixtures(project, 'singpass-client/types.mts', 'singpass-client/types.cts');
      const strict = { strict: true, noEmit: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022' };
      const configs = {
        'tsconfig.singpass-node.json': { compilerOptions: { ...strict, lib: ['es2023'], types: ['node'] }, files: ['types.mts', 'types.cts'] },
        'tsconfig.singpass-web.json': { compilerOptions: { ...strict, lib: ['es2023', 'dom'], types: [] }, files: ['types.mts', 'types.cts'] },
      };
      for (const [file, config] of Object.entries(configs)) {
        project.write(file, JSON.stringify(config, null, 2));
        const tsc = await project.run('npx', ['tsc', '-p', file], { timeoutMs: 300_000 });
        assert.equal(tsc.code, 0, `tsc -p ${file}:\n${tsc.stdout}${tsc.stderr}`);
      }
    },
  },
  {
    name: 'npx singpass-client keys generate: a private JWKS file (mode 600), the public JWKS on stdout',
    async run(project) {
      const result = await project.run('npx', ['singpass-client', 'keys', 'generate', '--out', 'singpass-keys.json'], { timeoutMs: 120_000 });
      assert.equal(result.code, 0, result.stderr);
      const printed = JSON.parse(result.stdout) as { keys: { use: string; alg: string; d?: string }[] };
      assert.deepEqual(printed.keys.map((k) => [k.use, k.alg, k.d]), [['sig', 'ES256', undefined], ['enc', 'ECDH-ES+A256KW', undefined]]);
      const file = JSON.parse(project.read('singpass-keys.json')) as { keys: { d?: string }[] };
      assert.ok(file.keys.every((k) => typeof k.d === 'string'));
      assert.equal(statSync(join(project.dir, 'singpass-keys.json')).mode & 0o777, 0o600);
    },
  },
  {
    name: 'stops the test double',
    async run() {
      if (double) await (await double).close();
      double = undefined;
    },
  },
];
