import { BackendTerminatedError, BackendTerminatedUnexpectedlyError, ConnectionError } from 'slonik';

// SQLSTATE class 08 (connection exception) and the 57P0x shutdowns: the server ended the session
// (pg_terminate_backend, a restart, a failover): whatever had not committed was rolled back with it.
// Whether a COMMIT in flight took effect is unknown (see connection-retry.ts for what is retried).
const CONNECTION_LOST_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);

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
    const { code, message, cause } = current as CodedError;
    if (typeof code === 'string' && CONNECTION_LOST_SQLSTATES.has(code)) return true;
    if (typeof message === 'string' && /^Connection terminated/u.test(message)) return true;
    current = cause;
  }
  return false;
}
