/**
 * The provider's clock: milliseconds since the epoch. Everything that depends on the time —
 * TTLs of logins, codes and tokens, ID-token times, which signing key signs, the personas'
 * "today" — reads it from the context, so that a test can run a whole provider on a clock it
 * controls instead of sleeping (or faking `Date` for the whole process).
 *
 * Redis keeps its own time for its native TTLs: a clock other than the system's is for the
 * embedded stores (SQLite, memory), which read this one.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
