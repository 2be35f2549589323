// A lifecycle executor in its own process for the crash test: it runs the executor with the clock
// at CLOCK_MS, prints each file it deleted, and after FREEZE_AFTER deletions stops dead (its event
// loop blocked, its run's lease held) so the test can `kill -9` it mid-run.
// Usage: doomed-executor.ts DATABASE_URL CLOCK_MS FREEZE_AFTER, with DATA_DIR, PUBLIC_URL and
// STORAGE_LOCAL_SECRET of the test API in the environment (its local-disk store).
import pino from 'pino';
import { connectPostgres } from '@baketsu/platform/database';
import { storageFromConfig } from '#src/files/storage-setup.js';
import { parseConfig } from '#src/platform/config.js';
import { runLifecycle } from '../lifecycle-executor.js';

const [databaseUrl, clockMs, freezeAfter] = process.argv.slice(2);
if (!databaseUrl || !clockMs || !freezeAfter) throw new Error('usage: doomed-executor.ts DATABASE_URL CLOCK_MS FREEZE_AFTER');
const clock = { now: () => new Date(Number(clockMs)) };
const config = parseConfig({
  NODE_ENV: 'test',
  BCRYPT_COST: '4',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'doomed-executor-doomed-executor-doomed-executor',
  DATA_DIR: process.env.DATA_DIR ?? '',
  PUBLIC_URL: process.env.PUBLIC_URL ?? '',
  STORAGE_LOCAL_SECRET: process.env.STORAGE_LOCAL_SECRET ?? '',
});
const database = await connectPostgres(databaseUrl, 2);
const storage = await storageFromConfig(config, clock);
let deleted = 0;
await runLifecycle(
  { pool: database.pool, store: storage.store, clock, config, logger: pino({ level: 'silent' }) },
  {
    onDeleted(fileId) {
      process.stdout.write(`deleted ${fileId}\n`);
      if (++deleted < Number(freezeAfter)) return;
      process.stdout.write('frozen\n');
      // Blocks this process for good, mid-run, between one file's deletion and the next.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    },
  },
);
process.stdout.write('finished\n');
process.exit(0);
