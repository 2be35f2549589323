import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createPool, createTypeParserPreset, type DatabasePool, type DriverTypeParser } from 'slonik';
import { isLostDatabaseConnection, markDatabaseSocketErrors } from './connection-loss.js';
import { retryOnLostConnection, type ConnectionRetryOptions } from './connection-retry.js';

export type { DatabasePool } from 'slonik';

export interface Database {
  pool: DatabasePool;
  /** Connection string a migration runner or a second client can use. */
  connectionUrl: string;
  kind: 'postgres' | 'pglite';
  /** Human-readable location, printed at start-up. */
  description: string;
  close(): Promise<void>;
}

// Byte-time and money are exact integers: `numeric` stays a decimal string and `int8` becomes a
// number only when it is safe, so nothing is ever silently rounded through a float.
const exactTypeParsers: DriverTypeParser[] = [
  ...createTypeParserPreset().filter((parser) => parser.name !== 'numeric' && parser.name !== 'int8'),
  { name: 'numeric', parse: (value: string) => value },
  {
    name: 'int8',
    parse: (value: string) => {
      const parsed = Number(value);
      if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} is beyond Number.MAX_SAFE_INTEGER`);
      return parsed;
    },
  },
];

// Slonik's default runs `DISCARD ALL` every time a connection goes back to the pool: a second round
// trip per query, and every plan cache dropped. Nothing here leaves session state behind (no SET,
// no temp tables; the one session advisory lock is released in a finally), so there is nothing to reset.
const keepSession = async () => {};

/**
 * The pool retries, on a fresh connection, a transaction or a read whose connection was lost before
 * anything could have committed (connection-retry.ts, decision 021); `retry` tunes or observes that.
 */
export async function connectPostgres(connectionUrl: string, maximumPoolSize: number, retry: ConnectionRetryOptions = {}): Promise<Database> {
  const slonikPool = await createPool(connectionUrl, {
    maximumPoolSize,
    typeParsers: exactTypeParsers,
    resetConnection: keepSession,
    interceptors: [markDatabaseSocketErrors],
  });
  const pool = retryOnLostConnection(slonikPool, retry);
  const { hostname, port, pathname } = new URL(connectionUrl);
  return {
    pool,
    connectionUrl,
    kind: 'postgres',
    description: `PostgreSQL at ${hostname}:${port || 5432}${pathname}`,
    close: () => endPool(pool),
  };
}

/**
 * Slonik's `end` rejects when a connection died during COMMIT (its failed ROLLBACK is kept as the
 * connection's destroy outcome), though there is nothing left to close: a shutdown after a database
 * blip must still be clean.
 */
async function endPool(pool: DatabasePool): Promise<void> {
  try {
    await pool.end();
  } catch (error) {
    if (!isLostDatabaseConnection(error)) throw error;
  }
}

/**
 * Embedded mode: PGlite (Postgres compiled to WASM) on disk, reached over its socket server so the
 * very same pg/slonik code runs against it. PGlite executes one statement stream at a time, so the
 * whole process shares a single connection.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<Database> {
  const directory = path.resolve(dataDir, 'pgdata');
  await mkdir(directory, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const pglite = await PGlite.create({ dataDir: directory });
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0 });
  await server.start();
  const connectionUrl = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pool = retryOnLostConnection(
    await createPool(connectionUrl, {
      maximumPoolSize: 1,
      typeParsers: exactTypeParsers,
      resetConnection: keepSession,
      idleTimeout: 'DISABLE_TIMEOUT',
      interceptors: [markDatabaseSocketErrors],
    }),
  );
  return {
    pool,
    connectionUrl,
    kind: 'pglite',
    description: `embedded PGlite in ${directory}`,
    async close() {
      await endPool(pool);
      await server.stop();
      await pglite.close();
    },
  };
}
