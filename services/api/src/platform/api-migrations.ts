import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@baketsu/platform/migrations';

/** The API's tables (accounts, files, uploads, the outbox, billing), in services/api/migrations. */
export const apiMigrations: MigrationSet = Object.freeze({
  directory: fileURLToPath(new URL('../../migrations', import.meta.url)),
  table: 'pgmigrations',
});
