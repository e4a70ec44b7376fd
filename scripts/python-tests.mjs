// The Python half of `npm test`: pytest suites of the Python SDK and the Flask example, run with
// Debian's python3 (its apt-installed packages: python3-pytest, python3-flask, python3-jwcrypto…).
// A missing interpreter or package is reported by name with the apt-get line that installs it;
// under CI=true that is a failure, elsewhere the suites are reported as not run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each pytest suite: its folder, and the words a filter may match to select it. */
export const PYTHON_SUITES = [
  { dir: 'packages/python-client', match: ['packages/python-client', 'python-client', 'python'] },
];

/** Python modules the suites import, with the Debian package that provides each. */
const MODULES = [
  ['pytest', 'python3-pytest'],
  ['requests', 'python3-requests'],
  ['jwcrypto', 'python3-jwcrypto'],
  ['cryptography', 'python3-cryptography'],
  ['flask', 'python3-flask'],
  ['flask_cors', 'python3-flask-cors'],
  ['setuptools', 'python3-setuptools'],
  ['wheel', 'python3-wheel'],
  ['pip', 'python3-pip'],
  ['ensurepip', 'python3-venv'],
];

/** The suites a run selects: all without filters, else those a filter names. */
export function selectPythonSuites(filters) {
  if (filters.length === 0) return PYTHON_SUITES;
  return PYTHON_SUITES.filter((s) => filters.some((f) => s.match.some((m) => m.includes(f) || f.includes(m)) || s.dir.includes(f)));
}

/** Debian's python3 (the one apt's packages are for), or SGID_PYTHON when set. */
function findPython() {
  const candidates = [process.env.SGID_PYTHON, '/usr/bin/python3'].filter(Boolean);
  return candidates.find((p) => existsSync(p));
}

/** `problem` undefined when Python and every package are there, else a message naming what is missing (and `missing`: the Debian packages to install). */
export function checkPython() {
  const python = findPython();
  const apt = `apt-get install -y ${MODULES.map(([, pkg]) => pkg).join(' ')}`;
  if (!python) return { problem: `Python 3 not found at /usr/bin/python3 (install it: ${apt})`, missing: ['python3', ...MODULES.map(([, pkg]) => pkg)] };
  const probe = `import importlib.util, sys\nmissing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]\nprint(" ".join(missing))\nsys.exit(0 if sys.version_info >= (3, 11) else 3)`;
  const res = spawnSync(python, ['-c', probe, ...MODULES.map(([m]) => m)], { encoding: 'utf8' });
  if (res.status === 3) return { python, problem: `${python} is older than Python 3.11` };
  if (res.status !== 0) return { python, problem: `${python} failed to start: ${res.stderr}` };
  const missing = res.stdout.trim().split(/\s+/).filter(Boolean);
  if (missing.length === 0) return { python };
  const pkgs = MODULES.filter(([m]) => missing.includes(m)).map(([, pkg]) => pkg);
  return { python, problem: `missing Python packages: ${pkgs.join(', ')} (install them: apt-get install -y ${pkgs.join(' ')})`, missing: pkgs };
}

/** Runs the suites with pytest; resolves with an exit code (0: passed or, outside CI, not run). */
export async function runPythonSuites(suites) {
  if (suites.length === 0) return 0;
  const { python, problem } = checkPython();
  if (problem) {
    const ci = process.env.CI === 'true' || process.env.CI === '1';
    console.error(`\n== Python tests NOT RUN (${suites.map((s) => s.dir).join(', ')}): ${problem}`);
    if (ci) console.error('== CI=true: a suite that cannot run is a failure');
    return ci ? 1 : 0;
  }
  let worst = 0;
  for (const suite of suites) {
    console.log(`\n== pytest ${suite.dir} (${python})`);
    const code = await new Promise((resolve) => {
      const child = spawn(python, ['-m', 'pytest', suite.dir, '-q', '-rfEs', '-p', 'no:cacheprovider'], { stdio: 'inherit' });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    if (code !== 0) worst = code;
  }
  return worst;
}
