/**
 * The docs' frontend contract (examples/shared/docs-frontend) against the Flask example: the same
 * suite the Express demo passes, with the Flask backend started as the docs' guide runs it.
 * Needs Debian's python3 with the packages scripts/python-tests.mjs names, and Chromium.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { docsContractSuite } from '../../shared/docs-frontend/contract.js';
import { checkPython } from '../../../scripts/python-tests.mjs';

const HERE = fileURLToPath(new URL('..', import.meta.url));
const SDK_SRC = fileURLToPath(new URL('../../../packages/python-client/src', import.meta.url));

docsContractSuite('Flask example', async (env) => {
  const { python, problem } = checkPython();
  if (problem || !python) assert.fail(`the Flask example needs Python: ${problem}`);
  const output: string[] = [];
  const child = spawn(python, ['app.py'], {
    cwd: HERE,
    env: {
      ...process.env,
      SGID_CLIENT_ID: env.clientId,
      SGID_CLIENT_SECRET: env.clientSecret,
      SGID_PRIVATE_KEY: env.privateKey,
      SGID_HOSTNAME: env.providerUrl,
      SGID_FRONTEND_HOST: env.frontendUrl,
      SGID_REDIRECT_URI: env.redirectUri,
      PORT: String(env.port),
      HOST: '127.0.0.1',
      PYTHONPATH: SDK_SRC,
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Up when it answers (a logged-out /api/userinfo is a 401); fails with its output if it exits.
  while (!(await fetch(`${env.url}/api/userinfo`).then(() => true, () => false))) {
    if (child.exitCode !== null) assert.fail(`app.py exited ${child.exitCode}:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
});
