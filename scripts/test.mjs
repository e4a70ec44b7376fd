#!/usr/bin/env node
// `npm test`: every *.test.ts under packages/*/test, examples/*/test and test/, with Node's test runner,
// then the Python suites with pytest (scripts/python-tests.mjs).
// `npm test -- FILTER…` runs only the files whose path contains one of the filters.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkPython, runPythonSuites, selectPythonSuites } from './python-tests.mjs';
import { prepareTestEnvironment, reportProblems } from './test-env.mjs';

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const roots = ['packages', 'examples'].flatMap((top) => {
  try {
    return readdirSync(top).map((p) => join(top, p, 'test'));
  } catch {
    return [];
  }
});
roots.push('test'); // tests of the whole repository: the shipped packages (test/packaging)
const filters = process.argv.slice(2);
const files = roots
  .flatMap(findTests)
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const pythonSuites = selectPythonSuites(filters);
if (files.length === 0 && pythonSuites.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// A file whose tests are done exits even if a failed test left a handle open (a child process,
// a socket): a failure is reported, never turned into a run that hangs. (Node 20.14+.)
const [major, minor] = process.versions.node.split('.').map(Number);
const forceExit = major > 20 || (major === 20 && minor >= 14) ? ['--test-force-exit'] : [];
// Chromium, the Python suites' Debian packages, PostgreSQL and Redis: installed or started when
// missing (scripts/test-env.mjs), as CI does; what cannot be had is said now and again at the end.
const problems = await prepareTestEnvironment(files, pythonSuites.length > 0 ? (checkPython().missing ?? []) : []);
const nodeCode =
  files.length === 0
    ? 0
    : await new Promise((resolve) => {
        const child = spawn(
          process.execPath,
          ['--conditions=sgid-source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...forceExit, ...files],
          { stdio: 'inherit' },
        );
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      });
// The Python suites (pytest) run after Node's, so the two never compete for the two cores.
const pythonCode = await runPythonSuites(pythonSuites);
if (problems.length > 0) {
  console.error('\n== What this machine lacks (see above for which tests it stopped):');
  reportProblems(problems);
}
process.exit(nodeCode || pythonCode);
