import { BackendTerminatedError, BackendTerminatedUnexpectedlyError, ConnectionError, type Interceptor } from 'slonik';

// SQLSTATE class 08 (connection exception) and the 57P0x shutdowns: the server ended the session
// (pg_terminate_backend, a restart, a failover): whatever had not committed was rolled back with it.
// Whether a COMMIT in flight took effect is unknown (see connection-retry.ts for what is retried).
const CONNECTION_LOST_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);

// A socket that fails under pg (the server closed it with a query still unread, a proxy reset it)
// surfaces as the bare Node error, which says nothing about where it came from: an object-store
// request fails the same way. So it counts only once marked as a database call's (below).
const SOCKET_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);
const LOST_DATABASE_SOCKET = Symbol.for('baketsu.lostDatabaseSocket');

interface CodedError {
  code?: unknown;
  cause?: unknown;
  message?: unknown;
}

/**
 * Whether `error` (or what it wraps) says the database connection was lost rather than that the
 * statement was wrong. Slonik turns a failed connect into ConnectionError and a terminated backend
 * into BackendTerminated*; pg's own errors keep their SQLSTATE or say "Connection terminated".
 * The pool retries what is safe to retry (connection-retry.ts); what is left is answered 503
 * `database_unavailable` so clients retry, never 500.
 */
export function isLostDatabaseConnection(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    if (current instanceof BackendTerminatedError || current instanceof BackendTerminatedUnexpectedlyError || current instanceof ConnectionError) return true;
    if (LOST_DATABASE_SOCKET in current) return true;
    const { code, message, cause } = current as CodedError;
    if (typeof code === 'string' && CONNECTION_LOST_SQLSTATES.has(code)) return true;
    if (typeof message === 'string' && /^Connection terminated/u.test(message)) return true;
    current = cause;
  }
  return false;
}

/**
 * Marks `error`, thrown by a database call, as the loss of its connection when it is a socket error
 * (ECONNRESET and the like), so `isLostDatabaseConnection` knows it. Other errors are left alone.
 */
export function markDatabaseSocketError(error: unknown): void {
  if (typeof error !== 'object' || error === null || LOST_DATABASE_SOCKET in error) return;
  const { code } = error as CodedError;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) Object.defineProperty(error, LOST_DATABASE_SOCKET, { value: true });
}

/** Slonik's hook on every failed query: it marks socket errors as database ones on their way up. */
export const markDatabaseSocketErrors: Interceptor = {
  name: 'baketsu.markDatabaseSocketErrors',
  queryExecutionError(_context, _query, error) {
    markDatabaseSocketError(error);
    return null;
  },
};
