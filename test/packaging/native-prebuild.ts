/**
 * better-sqlite3 (the provider's SQLite) installs with a prebuilt binary that prebuild-install
 * downloads, or compiles SQLite from source (about 1.5 CPU-minutes) when no download is possible —
 * as on this project's machines, where only the npm registry is reachable. The workspace's own
 * `npm ci` has compiled that binary already, for this Node. This offers it in prebuild-install's
 * download cache (the file name and the content prebuild-install itself keeps after a download),
 * so a consumer project that resolves the same better-sqlite3 for the same Node takes the path
 * an online user's install takes, instead of compiling SQLite a second time. Any other version
 * finds nothing there and is compiled as usual.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

interface PrebuildUtil {
  getDownloadUrl(opts: Record<string, unknown>): string;
  cachedPrebuild(url: string): string;
}

/** Offers the workspace's better-sqlite3 binary; returns what it did, for the test's log. */
export function offerWorkspacePrebuild(): string {
  let moduleDir: string;
  let util: PrebuildUtil;
  try {
    moduleDir = dirname(require.resolve('better-sqlite3/package.json', { paths: [join(import.meta.dirname, '../../packages/provider')] }));
    util = require(require.resolve('prebuild-install/util', { paths: [moduleDir] })) as PrebuildUtil;
  } catch {
    return 'no workspace better-sqlite3 to offer';
  }
  const binary = join(moduleDir, 'build/Release/better_sqlite3.node');
  if (!existsSync(binary)) return 'the workspace has no compiled better-sqlite3';
  const pkg = require(join(moduleDir, 'package.json')) as { name: string; version: string };
  const url = util.getDownloadUrl({ pkg, platform: process.platform, arch: process.arch, runtime: 'node', abi: process.versions.modules, 'tag-prefix': 'v' });
  const cached = util.cachedPrebuild(url);
  if (existsSync(cached)) return `better-sqlite3 ${pkg.version}: prebuilt binary already in ${cached}`;
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  execFileSync('tar', ['-czf', partial, '-C', moduleDir, 'build/Release/better_sqlite3.node']);
  renameSync(partial, cached);
  return `better-sqlite3 ${pkg.version}: offered the workspace's binary as ${cached}`;
}
