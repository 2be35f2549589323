import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { migrate, type MigrationSet } from '@baketsu/platform/migrations';
import type { Logger } from 'pino';

/** Metering's own migration set (its projection, cursors and meter reports); run it after the API's, against the same database. */
export const meteringMigrations: MigrationSet = Object.freeze({
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
  table: 'pgmigrations_metering',
});

/**
 * Applies metering's migrations. pglite-socket serves one connection at a time and drops a new one
 * that arrives while the previous migration client is still closing, so that case is retried.
 */
export async function migrateMetering(options: { connectionUrl: string; logger?: Logger }): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate({ connectionUrl: options.connectionUrl, ...meteringMigrations, ...(options.logger ? { logger: options.logger } : {}) });
    } catch (error) {
      if (attempt >= 5 || !/Connection terminated/i.test((error as Error).message)) throw error;
      await sleep(200 * attempt);
    }
  }
}
