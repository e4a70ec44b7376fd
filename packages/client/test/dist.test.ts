/** The published shape: build dist/ (ESM + CJS + types), then require() and import() it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

test('build, then require() the CommonJS bundle and import() the ESM bundle', { timeout: 180_000 }, async () => {
  execFileSync(process.execPath, [join(pkgDir, 'build.mjs')], { cwd: pkgDir, stdio: 'pipe' });
  for (const f of ['index.js', 'index.cjs', 'index.d.ts']) assert.ok(existsSync(join(pkgDir, 'dist', f)), f);
  const esmSource = readFileSync(join(pkgDir, 'dist/index.js'), 'utf8');
  assert.ok(!/from ["']sgid-protocol["']/.test(esmSource), 'sgid-protocol is inlined');
  assert.match(esmSource, /from "jose"/, 'jose stays external');
  assert.ok(!/["']node:/.test(esmSource), 'no Node built-in imports');

  const cjs = require(join(pkgDir, 'dist/index.cjs'));
  const esm = await import(pathToFileURL(join(pkgDir, 'dist/index.js')).href);
  for (const mod of [cjs, esm]) {
    assert.equal(typeof mod.SgidClient, 'function');
    assert.equal(mod.default, mod.SgidClient);
    const { codeVerifier, codeChallenge } = mod.generatePkcePair();
    assert.equal(mod.generateCodeChallenge(codeVerifier), codeChallenge);
    const client = new mod.SgidClient({ clientId: 'a', clientSecret: 'b', privateKey: 'k', redirectUri: 'http://x/cb' });
    assert.match(client.authorizationUrl({ codeChallenge }).url, /^https:\/\/api\.id\.gov\.sg\/v2\/oauth\/authorize\?client_id=a&/);
  }
  // Types: the declarations exist for every public name.
  const dts = readFileSync(join(pkgDir, 'dist/index.d.ts'), 'utf8');
  for (const name of ['SgidClient', 'generatePkcePair', 'createLoginFlow', 'SgidError', 'parseData', 'expressLoginHandlers', 'nextLoginRoutes']) {
    assert.ok(dts.includes(name), name);
  }
});
