// A statement whose database connection died under it (pg_terminate_backend, a restart, a failover,
// a proxy cutting idle sockets) is run again on a fresh connection when that cannot do anything twice
// (decision 021):
//   - a top-level transaction whose handler had not returned yet: COMMIT was never sent, so the
//     server rolled everything back with the session, and the handler runs again from the start;
//   - a statement outside a transaction, re-run inside `START TRANSACTION READ ONLY`: if it only
//     reads, it answers as before; if it writes (an UPDATE, a function that inserts), PostgreSQL
//     refuses it, because its first run may have committed, and the original error is thrown.
// A transaction whose handler had returned (the connection died during or after COMMIT) is never
// retried: its outcome is unknown, and the caller answers 503 as before.
// Slonik's own retries (transactionRetryLimit, queryRetryLimit) only cover class 40 errors on the
// same connection, and its interceptors can observe a failed query but not re-run it elsewhere.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection, type QuerySqlToken } from 'slonik';
import { isLostDatabaseConnection, markDatabaseSocketError } from './connection-loss.js';

/** Delays before each retry: a fresh connection at once, then one after the server had a moment. */
export const CONNECTION_RETRY_DELAYS_MS: readonly number[] = [0, 200];

export interface ConnectionRetryEvent {
  kind: 'transaction' | 'statement';
  /** 1 for the first retry. */
  attempt: number;
  error: unknown;
}

export interface ConnectionRetryOptions {
  delaysMs?: readonly number[];
  /** Told before each retry (for a log line or a counter). */
  onRetry?: (event: ConnectionRetryEvent) => void;
}

const READ_ONLY_TRANSACTION = '25006';

type TransactionFunction<T> = (connection: DatabaseTransactionConnection) => Promise<T>;

/** Thrown from an attempt to stop retrying and throw `error` as it is. */
class GiveUp {
  constructor(readonly error: unknown) {}
}

type StatementMethod = Exclude<keyof CommonQueryMethods, 'transaction' | 'stream'>;
const STATEMENT_METHODS: ReadonlySet<string> = new Set<StatementMethod>([
  'any', 'anyFirst', 'exists', 'many', 'manyFirst', 'maybeOne', 'maybeOneFirst', 'one', 'oneFirst', 'query',
]);

/**
 * The same pool, with the retries above on its own `transaction` and statement methods. `connect`
 * and `stream` are passed through untouched: a held connection may carry session state (an advisory
 * lock) that a fresh one would not.
 */
export function retryOnLostConnection(pool: DatabasePool, options: ConnectionRetryOptions = {}): DatabasePool {
  const delays = options.delaysMs ?? CONNECTION_RETRY_DELAYS_MS;

  async function withRetries<T>(kind: ConnectionRetryEvent['kind'], run: (attempt: number) => Promise<T>, retriable: (error: unknown) => boolean): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await run(attempt);
      } catch (error) {
        if (error instanceof GiveUp) throw error.error;
        const delay = delays[attempt];
        if (delay === undefined || !retriable(error)) throw error;
        options.onRetry?.({ kind, attempt: attempt + 1, error });
        if (delay > 0) await sleep(delay);
      }
    }
  }

  function transaction<T>(handler: TransactionFunction<T>, transactionRetryLimit?: number): Promise<T> {
    let commitSent = false;
    return withRetries(
      'transaction',
      () => {
        commitSent = false;
        return pool.transaction(async (tx) => {
          const result = await handler(tx);
          // From here on slonik sends COMMIT: a connection lost now leaves the outcome unknown.
          commitSent = true;
          return result;
        }, transactionRetryLimit);
      },
      (error) => {
        // After the handler returned, only slonik's COMMIT (or ROLLBACK) can have failed: a socket
        // error then is the database's, and it is the outcome-unknown kind, answered 503.
        if (commitSent) markDatabaseSocketError(error);
        return !commitSent && isLostDatabaseConnection(error);
      },
    );
  }

  function statement(method: StatementMethod) {
    const original = pool[method] as (query: QuerySqlToken) => Promise<unknown>;
    return (query: QuerySqlToken): Promise<unknown> => {
      let firstError: unknown;
      return withRetries(
        'statement',
        async (attempt) => {
          if (attempt === 0) return original(query);
          try {
            return await pool.transaction(async (tx) => {
              await tx.query(sql.unsafe`set transaction read only`);
              return (tx[method] as (query: QuerySqlToken) => Promise<unknown>)(query);
            });
          } catch (error) {
            // It writes: its first run may have committed, so the caller hears what happened then.
            if (sqlState(error) === READ_ONLY_TRANSACTION) throw new GiveUp(firstError);
            throw error;
          }
        },
        (error) => {
          firstError ??= error;
          return isLostDatabaseConnection(error);
        },
      );
    };
  }

  const statements = new Map([...STATEMENT_METHODS].map((method) => [method, statement(method as StatementMethod)]));
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'transaction') return transaction;
      const retried = typeof property === 'string' ? statements.get(property) : undefined;
      if (retried) return retried;
      return Reflect.get(target, property, receiver);
    },
  });
}

function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/u.test(code)) return code;
    current = cause;
  }
  return undefined;
}

/** Retry options that log each retry as one warning line (a retry is a blip worth seeing, not an error). */
export function logConnectionRetries(logger: { warn(details: object, message: string): void }): ConnectionRetryOptions {
  return {
    onRetry: ({ kind, attempt, error }) => logger.warn({ err: error, kind, attempt }, 'database connection lost; running it again on a fresh connection'),
  };
}
