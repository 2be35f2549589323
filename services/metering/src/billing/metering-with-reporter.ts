// Entry point of the metering container: the hourly Stripe reporter beside the usage fold, in one
// process. The reporter keeps its own small pool; everything it sends is recorded first, so being
// stopped mid-pass with the process costs nothing but a resend of the same identifiers.
import { connectPostgres } from '@baketsu/api/database';
import { pino } from 'pino';
import { parseBillingProcessConfig } from './billing-config.js';
import { startReporterLoop } from './reporter-loop.js';

const config = parseBillingProcessConfig(process.env);
const logger = pino({ level: config.LOG_LEVEL, base: { service: 'billing-reporter' } });
const database = await connectPostgres(config.DATABASE_URL, 4);
startReporterLoop({ pool: database.pool, config, logger });
// Metering's own composition root; it reads `run` from argv and owns the process's signals (its
// shutdown exits the process, which may cut a pass short: that pass resumes from its records).
process.argv.splice(2, process.argv.length - 2, 'run');
await import('../main.js');
