/**
 * Which Redis failures mean "Redis cannot be reached or cannot serve now" (answered 503 and
 * retried later) rather than a mistake of ours (a wrong type, bad JSON), which surfaces as it is.
 */
import { NETWORK_CODES } from '../network-errors.js';
import { StoreUnavailableError } from '../types.js';


/** What ioredis says when a command cannot be sent or its connection went away. */
const CLIENT_SIDE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  'Reached the max retries per request limit',
  'connect ETIMEDOUT',
];

/** Server replies that say "not now" rather than "not like this": loading, failover, out of memory. */
const UNAVAILABLE_REPLY_PREFIXES = ['LOADING', 'READONLY', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN', 'BUSY', 'OOM'];

/** True when `err` (or its cause, or one of an AggregateError's errors) is connection-level. */
export function isRedisConnectionError(err: unknown, depth = 0): boolean {
  if (depth > 4 || typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (typeof e.message === 'string') {
    const message = e.message;
    if (e.name === 'ReplyError') {
      return UNAVAILABLE_REPLY_PREFIXES.some((p) => message.startsWith(`${p} `) || message === p);
    }
    if (CLIENT_SIDE_MESSAGES.some((m) => message.includes(m))) return true;
  }
  if (Array.isArray(e.errors) && e.errors.some((x) => isRedisConnectionError(x, depth + 1))) return true;
  return e.cause !== undefined && isRedisConnectionError(e.cause, depth + 1);
}

/** Re-throws connection-level failures as StoreUnavailableError; anything else unchanged. */
export function mapRedisError(err: unknown, where: string): never {
  if (err instanceof StoreUnavailableError) throw err;
  if (isRedisConnectionError(err)) {
    throw new StoreUnavailableError(`Redis unavailable (${where}): ${describe(err)}`, { cause: err });
  }
  throw err;
}

function describe(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection failed';
}
