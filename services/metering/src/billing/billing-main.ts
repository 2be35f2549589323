// `npm run billing -- setup | report [--once] | reconcile [--month YYYY-MM] [--stripe]`
// reconcile compares the storage inventory (files table, ledger, projection) for every account, then
// each subscription's exact usage with what was reported (and with Stripe's summaries under --stripe).
import { catalogKey, catalogRepository, ensureCatalog, stripeBillingProvider, stripeClient } from '@baketsu/billing';
import { utcMonth } from '@baketsu/billing-core';
import { parseEnv } from '@baketsu/platform/config';
import { connectPostgres } from '@baketsu/platform/database';
import { createLogger } from '@baketsu/platform/logger';
import { migrateMetering } from '#src/read-model/schema.js';
import { billingProcessConfigSchema } from './billing-config.js';
import { checkInventory, formatInventory } from './inventory-check.js';
import { formatReconciliation, reconcile } from './reconcile.js';
import { assertMeterUnitUnchanged, MeterUnitChangedError, runReportingPass } from './reporter.js';
import { startReporterLoop } from './reporter-loop.js';

async function main(argv: string[]): Promise<number> {
  let config;
  try {
    config = parseEnv(billingProcessConfigSchema, process.env);
  } catch (error) {
    console.error((error as Error).message);
    return 78;
  }
  const [command, ...flags] = argv;
  if (!command || !['setup', 'report', 'reconcile'].includes(command)) {
    console.error('usage: billing setup | report [--once] | reconcile [--month YYYY-MM] [--stripe]');
    return 64;
  }
  const logger = createLogger(config.LOG_LEVEL, { service: 'billing' });
  const database = await connectPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  try {
    // The billing tables it reads are the API's, migrated by the API; the meter reports are metering's.
    await migrateMetering({ connectionUrl: database.connectionUrl, logger });
    const provider = config.STRIPE_SECRET_KEY ? stripeBillingProvider(stripeClient(config, { maxNetworkRetries: command === 'report' ? 0 : 2 })) : null;

    if (command === 'setup') {
      if (!provider) {
        console.log('ledger-only mode (STRIPE_SECRET_KEY unset): nothing to set up in Stripe.');
        return 0;
      }
      const catalog = await ensureCatalog(database.pool, provider, config);
      console.log(`${catalog.created ? 'created' : 'already set up'}: product ${catalog.product_id}, meter ${catalog.meter_id} (${catalog.meter_event_name}), price ${catalog.price_id} at ${catalog.unit_amount_decimal} ${config.CURRENCY} minor units per ${catalog.unit}`);
      return 0;
    }
    if (command === 'report') {
      try {
        await assertMeterUnitUnchanged(database.pool, config.BILLING_METER_UNIT);
      } catch (error) {
        if (!(error instanceof MeterUnitChangedError)) throw error;
        console.error(error.message);
        return 78;
      }
      if (flags.includes('--once')) {
        const result = await runReportingPass({
          pool: database.pool,
          sink: { send: (report) => (provider ? provider.sendMeterEvent(report) : Promise.reject(new Error('ledger-only mode: nothing is sent'))) },
          clock: { now: () => new Date() },
          logger,
          unit: config.BILLING_METER_UNIT,
          graceSeconds: config.BILLING_REPORT_GRACE_SECONDS,
          maxWaitSeconds: config.BILLING_REPORT_MAX_WAIT_SECONDS,
          concurrency: config.BILLING_REPORT_CONCURRENCY,
        });
        console.log(result === null ? 'another reporter is running a pass' : JSON.stringify(result));
        return 0;
      }
      const loop = startReporterLoop({ pool: database.pool, config, provider, logger });
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await loop.stop();
      return 0;
    }
    const monthFlag = flags.includes('--month') ? flags[flags.indexOf('--month') + 1] : undefined;
    if (monthFlag !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(monthFlag)) {
      console.error(`--month must be YYYY-MM, not "${monthFlag}"`);
      return 64;
    }
    const at = monthFlag ? new Date(`${monthFlag}-01T00:00:00Z`) : new Date();
    const withStripe = flags.includes('--stripe') && provider !== null;
    const catalog = withStripe ? await catalogRepository.findCatalog(database.pool, catalogKey(config).key) : null;
    const rows = await reconcile(database.pool, {
      month: utcMonth(at),
      unit: config.BILLING_METER_UNIT,
      ...(withStripe && provider && catalog ? { provider, meterId: catalog.meter_id } : {}),
    });
    const inventory = await checkInventory(database.pool);
    const stripeChecked = withStripe && catalog ? 'with Stripe meter summaries' : provider ? 'without Stripe (pass --stripe to compare it)' : 'ledger-only mode: Stripe not compared';
    console.log(`storage inventory\n${formatInventory(inventory)}\n`);
    console.log(`period ${at.toISOString().slice(0, 7)} (UTC), unit ${config.BILLING_METER_UNIT}, ${stripeChecked}\n${formatReconciliation(rows)}`);
    return [...inventory, ...rows].some((row) => row.differences.length > 0) ? 1 : 0;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
