import { stripeBillingProvider, stripeClient, type BillingProvider } from '@baketsu/billing';
import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import type { BillingProcessConfig } from './billing-config.js';
import { runReportingPass } from './reporter.js';

export interface ReporterLoop {
  stop(): Promise<void>;
}

/**
 * Runs a reporting pass every BILLING_REPORT_INTERVAL_SECONDS. Ledger-only (no provider, as without
 * STRIPE_SECRET_KEY): nothing is sent, so nothing runs. A failed pass is logged; its recorded reports
 * are resent next time. The provider comes from the composition root (`reporterBillingProvider`).
 */
export function startReporterLoop(options: {
  pool: DatabasePool;
  config: BillingProcessConfig;
  provider: BillingProvider | null;
  logger: Logger;
  clock?: { now(): Date };
}): ReporterLoop {
  const { pool, config, logger, provider } = options;
  if (!provider) {
    logger.info('billing reporter idle: ledger-only mode (no STRIPE_SECRET_KEY)');
    return { stop: async () => {} };
  }
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = runReportingPass({
      pool,
      sink: { send: (report) => provider.sendMeterEvent(report) },
      clock: options.clock ?? { now: () => new Date() },
      logger,
      unit: config.BILLING_METER_UNIT,
      graceSeconds: config.BILLING_REPORT_GRACE_SECONDS,
      maxWaitSeconds: config.BILLING_REPORT_MAX_WAIT_SECONDS,
      concurrency: config.BILLING_REPORT_CONCURRENCY,
    }).then(
      (result) => {
        if (result && (result.requests > 0 || result.expiredPlanned > 0)) logger.info({ ...result }, 'billing report pass');
      },
      (error: unknown) => logger.error({ err: error }, 'billing report pass failed; pending reports are resent next pass'),
    ).finally(() => {
      if (!stopped) timer = setTimeout(tick, config.BILLING_REPORT_INTERVAL_SECONDS * 1000);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Stripe for the reporter, or null in ledger-only mode. Retries are the reporter's own (recorded per attempt), not the SDK's. */
export function reporterBillingProvider(config: BillingProcessConfig): BillingProvider | null {
  return config.STRIPE_SECRET_KEY ? stripeBillingProvider(stripeClient(config, { maxNetworkRetries: 0 })) : null;
}
