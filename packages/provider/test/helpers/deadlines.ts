/**
 * How long the tests wait for something that normally takes a second or less — a process
 * starting, a CLI command, a service reconnecting, a condition another process makes true.
 * Generous on purpose: these bound a hang, they never time anything, so the suite passes on a
 * loaded 2-core machine (speed is measured by `npm run bench`, not here).
 */
export const DEADLINE_MS = 120_000;
