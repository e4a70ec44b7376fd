/** Awaits a promise that must fail with a {@link SingpassError} of `code` (and a hint). */
import assert from 'node:assert/strict';
import { SingpassError } from '../../src/index.ts';

export async function rejectsWith(promise: Promise<unknown>, code?: string, name?: string): Promise<SingpassError & { error?: string; status?: number }> {
  const err = await promise.then(
    () => assert.fail(`expected ${code ?? 'a SingpassError'}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SingpassError, `expected a SingpassError, got ${String(err)}`);
  if (code) assert.equal(err.code, code, err.message);
  assert.ok(err.hint.length > 10, 'a hint that says what to fix');
  if (name) assert.equal(err.name, name);
  return err;
}
