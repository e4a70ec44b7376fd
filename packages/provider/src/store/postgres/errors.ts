/**
 * Which PostgreSQL failures mean "the database cannot be reached" (answered 503 and retried
 * later) rather than a mistake in our SQL or data (which must surface as it is).
 */
import { NETWORK_CODES } from '../network-errors.js';
import { StoreUnavailableError } from '../types.js';


/**
 * SQLSTATEs that say the server, not the statement, is the problem: class 08 (connection
 * exception), the server shutting down or starting up, too many connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') ||
    code === '57P01' || // admin_shutdown
    code === '57P02' || // crash_shutdown
    code === '57P03' || // cannot_connect_now (starting up, recovering)
    code === '53300' // too_many_connections
  );
}

/** Errors that node-postgres raises itself when a connection is lost, late or unusable. */
const CLIENT_SIDE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Cannot use a pool after calling end',
  'timeout expired',
];

/** True when `err` (or its cause, or one of an AggregateError's errors) is connection-level. */
export function isPostgresConnectionError(err: unknown, depth = 0): boolean {
  if (depth > 4 || typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code)) return true;
    // A five-character code is a SQLSTATE from the server: decide on it alone.
    if (/^[0-9A-Z]{5}$/.test(e.code)) return isUnavailableSqlState(e.code);
  }
  if (typeof e.message === 'string' && CLIENT_SIDE_MESSAGES.some((m) => (e.message as string).includes(m))) {
    return true;
  }
  if (Array.isArray(e.errors) && e.errors.some((x) => isPostgresConnectionError(x, depth + 1))) return true;
  return e.cause !== undefined && isPostgresConnectionError(e.cause, depth + 1);
}

/** Re-throws connection-level failures as StoreUnavailableError; anything else unchanged. */
export function mapPostgresError(err: unknown, where: string): never {
  if (err instanceof StoreUnavailableError) throw err;
  if (isPostgresConnectionError(err)) {
    throw new StoreUnavailableError(`PostgreSQL unavailable (${where}): ${describe(err)}`, {
      cause: err,
    });
  }
  throw err;
}

/** A one-line reason: the message, else the code (an AggregateError from a dual-stack connect has no message). */
function describe(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection failed';
}
