/**
 * Every package we ship, as a user gets it: `npm pack` (which builds it), then `npm install` of
 * the tarballs into an empty project outside the repository (dependencies from the npm
 * registry), then each package's checks there (shipped.ts) — so that a package that cannot be
 * installed, imported, required, type-checked or run from its tarball fails here first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ConsumerProject } from './consumer.ts';
import { offerWorkspacePrebuild } from './native-prebuild.ts';
import { SHIPPED, type PackedPackage } from './shipped.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
  workspaces: string[];
};

/** `npm pack` of every shipped package at once (each one's prepack script builds it). */
async function packAll(destination: string): Promise<PackedPackage[]> {
  const args = ['pack', '--json', '--pack-destination', destination, ...SHIPPED.flatMap((p) => ['-w', p.dir])];
  const { stdout } = await promisify(execFile)('npm', args, { cwd: ROOT, maxBuffer: 16 << 20, timeout: 600_000 });
  const packed = JSON.parse(stdout) as { name: string; version: string; filename: string; files: { path: string }[] }[];
  return SHIPPED.map(({ dir }) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const entry = packed.find((p) => p.name === manifest.name);
    assert.ok(entry, `npm pack produced no tarball for ${dir}`);
    return { dir, name: entry.name, version: entry.version, tarball: join(destination, entry.filename), files: entry.files.map((f) => f.path), manifest };
  });
}

/** Every relative file named by `exports` (but the workspace-only "sgid-source"), `main`, `types`, `bin`. */
function entryFiles(manifest: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (value: unknown, condition: string): void => {
    if (typeof value === 'string') {
      if (condition !== 'sgid-source' && value.startsWith('./')) out.push(value.slice(2));
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, key);
    }
  };
  walk(manifest.exports, '');
  for (const field of ['main', 'module', 'types']) walk(manifest[field], field);
  walk(manifest.bin, 'bin');
  return [...new Set(out)];
}

/** What a package.json needs before `npm publish`. */
function checkManifest(pkg: PackedPackage, all: PackedPackage[]): void {
  const m = pkg.manifest;
  assert.match(pkg.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/, 'a semver version');
  assert.notEqual(m.private, true, 'not private');
  assert.equal(m.license, 'MIT');
  assert.ok(typeof m.description === 'string' && m.description.length > 20, 'a description');
  assert.deepEqual(m.engines, { node: rootManifest.engines.node }, 'engines.node as the workspace says (README: Node.js 20 or newer)');
  const repository = m.repository as { type?: string; url?: string; directory?: string } | undefined;
  assert.equal(repository?.type, 'git');
  assert.equal(repository?.directory, pkg.dir);
  assert.equal(repository?.url, (all[0]!.manifest.repository as { url: string }).url, 'one repository URL for every package');
  assert.ok(Array.isArray(m.files), 'a files list');
  for (const file of ['package.json', 'LICENSE', 'README.md']) assert.ok(pkg.files.includes(file), `${file} in the tarball`);
  assert.equal(readFileSync(join(ROOT, pkg.dir, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'), 'the repository’s LICENSE');
  const strays = pkg.files.filter((f) => /^(src|test)\//.test(f) || /\.(test\.[jt]s|tsbuildinfo|db)$/.test(f));
  assert.deepEqual(strays, [], 'no sources, tests or build state in the tarball');
  for (const file of entryFiles(m)) assert.ok(pkg.files.includes(file), `${file} (named in package.json) is in the tarball`);
  // A dependency on one of our workspaces must be a package we ship, at the version we ship.
  const workspaceNames = new Map(
    rootManifest.workspaces.map((dir) => [JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).name as string, dir]),
  );
  for (const [name, range] of Object.entries((m.dependencies ?? {}) as Record<string, string>)) {
    if (!workspaceNames.has(name)) continue;
    const shipped = all.find((p) => p.name === name);
    assert.ok(shipped, `${pkg.name} depends on ${name}, which is not shipped (add it to shipped.ts or inline it)`);
    assert.equal(range, shipped.version, `${pkg.name} depends on ${name}@${range}, we ship ${shipped.version}`);
  }
}

test('every shipped package installs from its tarball into an empty project and works there', { timeout: 30 * 60_000 }, async (t) => {
  const tarballs = mkdtempSync(join(tmpdir(), 'sgid-tarballs-'));
  const project = ConsumerProject.create();
  t.after(async () => {
    await project.dispose();
    rmSync(tarballs, { recursive: true, force: true });
  });

  const packed = await packAll(tarballs);
  for (const pkg of packed) await t.test(`${pkg.name}: package.json and tarball ready to publish`, () => checkManifest(pkg, packed));

  const extras = [...new Set(SHIPPED.flatMap((p) => p.consumerDevDependencies ?? []))].map((name) => {
    const range = rootManifest.devDependencies[name];
    assert.ok(range, `${name}: give it a version in the workspace's devDependencies`);
    return `${name}@${range}`;
  });
  t.diagnostic(offerWorkspacePrebuild());
  const install = await project.run('npm', ['install', '--no-audit', '--no-fund', ...packed.map((p) => p.tarball), ...extras], { timeoutMs: 20 * 60_000 });
  assert.equal(install.code, 0, `npm install of the tarballs failed:\n${install.stdout}${install.stderr}`);
  assert.doesNotMatch(
    install.stderr,
    /EBADENGINE/,
    `a dependency refuses this Node (${process.version}); the README promises Node.js ${rootManifest.engines.node}:\n${install.stderr}`,
  );

  for (const { dir, checks } of SHIPPED) {
    const pkg = packed.find((p) => p.dir === dir)!;
    for (const check of checks) await t.test(`${pkg.name}: ${check.name}`, () => check.run(project, pkg));
  }
});
