import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../shipped.ts';

export const providerChecks: Check[] = [
  {
    name: 'npx sgid-provider --help and --version',
    async run(project, pkg) {
      const help = await project.run('npx', ['sgid-provider', '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /sgid-provider clients create --name NAME --redirect-uri URL/);
      const version = await project.run('npx', ['sgid-provider', '--version']);
      assert.equal(version.code, 0, version.stderr);
      assert.equal(version.stdout.trim(), pkg.version);
    },
  },
  {
    name: 'npx sgid-provider clients create … --json > credentials.json writes the credentials and nothing else',
    async run(project) {
      await project.provider(); // registers the client with exactly that command line
      const text = project.read('credentials.json');
      const credentials = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(credentials).sort(), ['description', 'id', 'name', 'privateKey', 'publicKey', 'redirectUris', 'scopes', 'secret']);
      assert.equal(credentials.name, 'Packaged app');
      assert.match(text, /^\{/, 'the file starts with the JSON');
    },
  },
  {
    name: 'npx sgid-provider start serves the protocol, its static files and the portal',
    async run(project) {
      const { url } = await project.provider();
      const discovery = (await (await fetch(`${url}/v2/.well-known/openid-configuration`)).json()) as { issuer: string };
      assert.equal(discovery.issuer, `${url}/v2`);
      for (const [path, type] of [
        ['/static/style.css', 'text/css'],
        ['/static/authorize.js', 'javascript'],
        ['/portal', 'text/html'],
      ] as const) {
        const res = await fetch(url + path);
        assert.equal(res.status, 200, path);
        assert.ok(res.headers.get('content-type')?.includes(type), `${path}: ${res.headers.get('content-type')}`);
        assert.ok((await res.text()).length > 100, path);
      }
    },
  },
  {
    name: 'types: the library entry type-checks in the consumer',
    async run(project) {
      copyFileSync(join(import.meta.dirname, '../fixtures/provider-types.mts'), join(project.dir, 'provider-types.mts'));
      const config = {
        compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023'], types: ['node'] },
        files: ['provider-types.mts'],
      };
      project.write('tsconfig.provider.json', JSON.stringify(config, null, 2));
      const tsc = await project.run('npx', ['tsc', '-p', 'tsconfig.provider.json'], { timeoutMs: 300_000 });
      assert.equal(tsc.code, 0, `tsc:\n${tsc.stdout}${tsc.stderr}`);
    },
  },
];
