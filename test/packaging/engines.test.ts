/**
 * Node versions, one promise: the README says Node.js 20 or newer, the workspace and every
 * shipped package declare the same `engines.node`, and nothing they install at run time asks for
 * more (as cookie@2 did through fastify, which made every install on Node 20 warn EBADENGINE).
 * Read from package-lock.json, so it needs no network; the pack-and-install test checks a real
 * install from the registry on this Node.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHIPPED } from './shipped.ts';

// npm's own range semantics (the semver package, as npm uses it); only these two calls are needed.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

interface LockEntry {
  version?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  engines?: { node?: string } | string[];
}
const lock = readJson('package-lock.json') as { packages: Record<string, LockEntry> };
const rootEngines = (readJson('package.json') as { engines: { node: string } }).engines.node;

/** Where `name` resolves from the lock path `from`, as Node's resolution walks up node_modules. */
function resolveInLock(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    const entry = lock.packages[candidate];
    if (entry) return entry.link && entry.resolved ? entry.resolved : candidate;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut >= 0 ? dir.slice(0, cut) : '';
  }
}

/** Every lock path a shipped package needs at run time (its dependencies, transitively). */
function runtimeClosure(start: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const entry = lock.packages[path];
    assert.ok(entry, `${path} is not in package-lock.json: run npm install`);
    for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const resolved = resolveInLock(path, name);
      if (resolved) queue.push(resolved);
      else assert.ok(entry.optionalDependencies?.[name], `${path} needs ${name}, which package-lock.json does not have`);
    }
  }
  return seen;
}

test('the workspace and every shipped package declare the same Node versions', () => {
  assert.equal(rootEngines, '>=20');
  for (const { dir } of SHIPPED) assert.deepEqual(readJson(`${dir}/package.json`).engines, { node: rootEngines }, dir);
});

test('nothing a shipped package installs asks for a newer Node than the oldest it promises', () => {
  const oldest = semver.minVersion(rootEngines)!.version;
  const refused: string[] = [];
  for (const { dir } of SHIPPED) {
    for (const path of runtimeClosure(dir)) {
      const engines = lock.packages[path]!.engines;
      const node = Array.isArray(engines) ? undefined : engines?.node;
      if (node && !semver.satisfies(oldest, node)) refused.push(`${path}@${lock.packages[path]!.version} wants node ${node} (for ${dir})`);
    }
  }
  assert.deepEqual(refused, [], `these would warn EBADENGINE on Node ${oldest}, which engines "${rootEngines}" admits`);
});

test('npm ci on this Node warns about no engine (every locked package admits it)', () => {
  const refused = Object.entries(lock.packages)
    .filter(([path, entry]) => path && !Array.isArray(entry.engines) && entry.engines?.node && !semver.satisfies(process.versions.node, entry.engines.node))
    .map(([path, entry]) => `${path}@${entry.version} wants node ${(entry.engines as { node: string }).node}`);
  assert.deepEqual(refused, [], `npm ci would warn EBADENGINE on ${process.version}`);
});
