/**
 * The provider's import graph runs downwards only: the roles (relay for sgID, singpass, the
 * wallet's pages, the portal) never import one another; what they share — the login in flight
 * (login/), the pages (views/), personas, keys, the store — sits below them and never imports
 * a role. Read from the source files, so a new import that breaks the rule fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

type Layer = 'entry' | 'role' | 'views' | 'login' | 'base';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The role a file belongs to, or undefined for shared code. */
function roleOf(file: string): string | undefined {
  if (/^(relay|singpass|portal)\//.test(file)) return file.split('/')[0];
  // The wallet's pages and routes are a role; its personas, directory and encryption are shared data and crypto.
  if (file === 'wallet/routes.ts') return 'wallet';
  return undefined;
}

function layerOf(file: string): Layer {
  if (['http.ts', 'provider.ts', 'cli.ts', 'index.ts'].includes(file) || file.startsWith('cli/')) return 'entry';
  if (roleOf(file)) return 'role';
  if (file.startsWith('views/')) return 'views';
  if (file.startsWith('login/')) return 'login';
  return 'base';
}

/** Which layers each layer may import from (its own included). */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  entry: ['entry', 'role', 'views', 'login', 'base'],
  role: ['role', 'views', 'login', 'base'],
  views: ['views', 'base'],
  login: ['login', 'base'],
  base: ['base'],
};

function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s+'(\.{1,2}\/[^']+)'/g)) out.push(m[1]!);
  for (const m of text.matchAll(/import\('(\.{1,2}\/[^']+)'\)/g)) out.push(m[1]!);
  return out;
}

test('imports run downwards: no role imports another role, shared code imports no role', () => {
  const problems: string[] = [];
  const files = sourceFiles(SRC);
  assert.ok(files.length > 50, `found only ${files.length} source files under ${SRC}`);
  let edges = 0;
  for (const path of files) {
    const from = relative(SRC, path);
    for (const spec of importsOf(path)) {
      const to = relative(SRC, resolve(dirname(path), spec)).replace(/\.js$/, '.ts');
      edges++;
      const [lf, lt] = [layerOf(from), layerOf(to)];
      if (!ALLOWED[lf].includes(lt)) problems.push(`${from} (${lf}) imports ${to} (${lt})`);
      const [rf, rt] = [roleOf(from), roleOf(to)];
      if (rf && rt && rf !== rt) problems.push(`${from} (role ${rf}) imports ${to} (role ${rt})`);
    }
  }
  assert.ok(edges > 100, `found only ${edges} imports: the import pattern no longer matches the source`);
  assert.deepEqual(problems, []);
});

test('the checker catches a wrong arrow', () => {
  // The two kinds of mistake the rule exists for, classified as the test above would.
  assert.equal(layerOf('login/states.ts'), 'login');
  assert.ok(!ALLOWED[layerOf('login/grant.ts')].includes(layerOf('relay/records.ts')));
  assert.ok(!ALLOWED[layerOf('wallet/personas/derive.ts')].includes(layerOf('wallet/routes.ts')));
  assert.notEqual(roleOf('wallet/routes.ts'), roleOf('relay/authorize.ts'));
});
