/**
 * How long the tests wait for something that normally takes a second or less — a process
 * starting, a CLI command, a service reconnecting, a condition another process makes true.
 * Generous on purpose: these bound a hang, they never time anything, so the suite passes on a
 * loaded 2-core machine (speed is measured by `npm run bench`, not here).
 */
export const DEADLINE_MS = 120_000;

/**
 * Polls `check` until it gives a value (anything but undefined or false) and returns it; fails
 * naming `what` if that has not happened within `timeoutMs`.
 */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = DEADLINE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
