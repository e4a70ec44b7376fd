/**
 * Starts MockPass (@opengovsg/mockpass 4.3.4) in a child process on a free loopback port, and
 * hands out the client private key its sgID mock encrypts to (static/certs/key.pem).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DEADLINE_MS } from '../../../provider/test/helpers/deadlines.ts';

const require = createRequire(import.meta.url);
const mockpassDir = dirname(require.resolve('@opengovsg/mockpass/package.json'));

export interface MockPass {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** The PKCS#8 private key matching MockPass's SERVICE_PROVIDER_PUB_KEY. */
  privateKey: string;
  close(): Promise<void>;
}

const SCRIPT = `
const { app } = require(${JSON.stringify(join(mockpassDir, 'app.js'))});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));
// Idle keep-alive sockets stay open: Node's 5 s default races fetch's reuse of a socket on a busy machine.
server.keepAliveTimeout = 600000;
`;

export async function startMockPass(): Promise<MockPass> {
  const child = spawn(process.execPath, ['-e', SCRIPT], {
    cwd: mockpassDir,
    env: { ...process.env, NODE_OPTIONS: '', SHOW_LOGIN_PAGE: 'false', MOCKPASS_STATELESS: 'false', MOCKPASS_NRIC: 'S9812379B' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`MockPass did not start within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    child.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const m = /PORT (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`MockPass exited with ${code}`)));
  });
  child.stdout!.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    privateKey: readFileSync(join(mockpassDir, 'static/certs/key.pem'), 'utf8'),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the authorize step with redirect: 'manual' and returns the code and state from the 302. */
export async function authorize(url: string): Promise<{ code: string; state: string | null }> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  const back = new URL(location);
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location}`);
  return { code, state: back.searchParams.get('state') };
}
