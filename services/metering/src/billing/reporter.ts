// One reporting pass: move the fold watermark, plan every closed hour of every reported subscription up
// to it (recorded in one transaction per batch, before anything is sent), then send what is pending.
import { meterEventIdentifier, meterUnit, type MeterUnitName } from '@baketsu/billing-core';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Logger } from 'pino';
import { lastReportableBoundary, oldestSendableHour, planHours } from './report-plan.js';
import { advanceFoldWatermark } from './fold-watermark.js';
import { cumulativeAtBoundaries, foreignUnits, lockDueSubscriptions, openCursors, recordPlan, type ReportHorizon, type ReportRow } from './report-store.js';
import { sendPending, type MeterEventSink, type SendResult } from './report-sender.js';

export interface ReporterDeps {
  pool: DatabasePool;
  sink: MeterEventSink;
  clock: { now(): Date };
  logger: Logger;
  unit: MeterUnitName;
  graceSeconds: number;
  /**
   * How long past its grace period an hour waits for metering to fold everything committed before
   * its end; then it is billed as the projection stands and late usage comes as a correction.
   */
  maxWaitSeconds?: number;
  concurrency: number;
  batchSize?: number;
  /** Test seams: retry tuning. */
  maxTries?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PassResult extends SendResult {
  /** Every outbox row committed before this instant was folded when the pass began (null: not yet known). */
  foldedThroughMs: number | null;
  subscriptionsPlanned: number;
  eventsPlanned: number;
  expiredPlanned: number;
  planMs: number;
  sendMs: number;
}

// Session advisory lock: one pass at a time across all reporter processes, so no customer ever has
// two requests in flight and no pending row is sent by two processes at once.
const REPORTER_LOCK = 0x6b657473_75; // arbitrary, fixed
export const DEFAULT_MAX_WAIT_SECONDS = 3600;

/** A BILLING_METER_UNIT other than the one reported units count in: refused, never mixed. */
export class MeterUnitChangedError extends Error {
  override readonly name = 'MeterUnitChangedError';
}

/**
 * Refuses a unit other than the one live subscriptions have been reported in: their Stripe prices sit
 * on the old unit's meter, so events in the new unit would bill nothing, and net units already
 * reported cannot be compared with the new ones.
 */
export async function assertMeterUnitUnchanged(pool: DatabasePool, unit: MeterUnitName): Promise<void> {
  const foreign = await foreignUnits(pool, unit);
  if (foreign.length === 0) return;
  const listed = foreign.map((row) => `${row.cursors} in ${row.unit}`).join(', ');
  throw new MeterUnitChangedError(
    `BILLING_METER_UNIT is ${unit}, but subscriptions still being reported count in another unit (${listed}). ` +
      'Set BILLING_METER_UNIT back; changing the unit needs every subscription moved to a price on the new meter first (decision 006).',
  );
}

/** null when another process is running a pass right now. */
export async function runReportingPass(deps: ReporterDeps): Promise<PassResult | null> {
  return deps.pool.connect(async (connection) => {
    const locked = await connection.oneFirst(sql.type(z.object({ locked: z.boolean() }))`select pg_try_advisory_lock(${REPORTER_LOCK}) as locked`);
    if (!locked) return null;
    try {
      return await reportingPass(deps);
    } finally {
      await connection.query(sql.unsafe`select pg_advisory_unlock(${REPORTER_LOCK})`);
    }
  });
}

async function reportingPass(deps: ReporterDeps): Promise<PassResult> {
  const nowMs = deps.clock.now().getTime();
  const started = performance.now();
  await assertMeterUnitUnchanged(deps.pool, deps.unit);
  const watermark = await advanceFoldWatermark(deps.pool, nowMs);
  const horizon = reportHorizon(deps, nowMs, watermark.foldedThroughMs);
  if (horizon.waiting) {
    const log = horizon.timedOut ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
    log(
      { foldedThroughMs: watermark.foldedThroughMs, blockedAt: watermark.blockedAt, maxWaitSeconds: deps.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS },
      horizon.timedOut
        ? 'metering has not folded everything before the hours now due: they are billed as the projection stands, late usage comes as a correction'
        : 'hours wait for metering to fold everything committed before their end',
    );
  }
  const planned = await planClosedHours(deps, nowMs, horizon);
  const planMs = Math.round(performance.now() - started);
  const sent = await sendPending(deps.pool, deps.sink, {
    concurrency: deps.concurrency,
    oldestSendableHourMs: oldestSendableHour(nowMs),
    logger: deps.logger,
    ...(deps.maxTries === undefined ? {} : { maxTries: deps.maxTries }),
    ...(deps.baseDelayMs === undefined ? {} : { baseDelayMs: deps.baseDelayMs }),
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
  });
  return { foldedThroughMs: watermark.foldedThroughMs, ...planned, ...sent, planMs, sendMs: Math.round(performance.now() - started) - planMs };
}

/**
 * Hours are reported as of the fold watermark (everything committed before it is in the projection),
 * but never later than BILLING_REPORT_MAX_WAIT_SECONDS behind the clock.
 */
export function reportHorizon(deps: Pick<ReporterDeps, 'graceSeconds' | 'maxWaitSeconds'>, nowMs: number, foldedThroughMs: number | null): ReportHorizon & { waiting: boolean; timedOut: boolean } {
  const floorMs = nowMs - (deps.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000;
  const asOf = Math.min(nowMs, Math.max(foldedThroughMs ?? floorMs, floorMs));
  const boundary = lastReportableBoundary(asOf, deps.graceSeconds);
  const waiting = boundary < lastReportableBoundary(nowMs, deps.graceSeconds);
  return { boundary, instant: asOf - deps.graceSeconds * 1000, waiting, timedOut: waiting && asOf === floorMs };
}

async function planClosedHours(deps: ReporterDeps, nowMs: number, horizon: ReportHorizon) {
  const unit = meterUnit(deps.unit);
  const oldest = oldestSendableHour(nowMs);
  const totals = { subscriptionsPlanned: 0, eventsPlanned: 0, expiredPlanned: 0 };
  await openCursors(deps.pool, deps.unit);
  let after = '';
  for (;;) {
    const batch = await deps.pool.transaction(async (tx) => {
      const due = await lockDueSubscriptions(tx, horizon, deps.unit, after, deps.batchSize ?? 1000);
      if (due.length === 0) return null;
      const points = await cumulativeAtBoundaries(tx, due, horizon);
      const rows: ReportRow[] = [];
      const cursors = due.flatMap((subscription) => {
        const cursor = { reportedThroughMs: subscription.reported_through_ms, reportedUnits: BigInt(subscription.reported_units) };
        const read = points.get(subscription.subscription_id) ?? { baseline: 0n, points: [] };
        let plan: ReturnType<typeof planHours>;
        try {
          plan = planHours(cursor, read.baseline, read.points, unit, oldest);
        } catch (error) {
          // One cursor that makes no sense must not stop every subscription after it: it is left as
          // it is, loudly, and the rest are planned.
          deps.logger.error({ err: error, accountId: subscription.account_id, subscriptionId: subscription.subscription_id }, 'reporting cursor cannot be planned; subscription skipped');
          return [];
        }
        for (const report of plan.reports) {
          rows.push({
            ...report,
            accountId: subscription.account_id,
            subscriptionId: subscription.subscription_id,
            customerId: subscription.stripe_customer_id,
            identifier: meterEventIdentifier(subscription.account_id, report.hourStartMs),
            eventName: unit.eventName,
          });
        }
        return [{ subscriptionId: subscription.subscription_id, ...plan.cursor }];
      });
      await recordPlan(tx, rows, cursors, deps.unit);
      return { last: due.at(-1)!.subscription_id, subscriptions: due.length, rows };
    });
    if (batch === null) break;
    after = batch.last;
    totals.subscriptionsPlanned += batch.subscriptions;
    totals.eventsPlanned += batch.rows.filter((row) => row.status === 'pending').length;
    const expired = batch.rows.filter((row) => row.status === 'expired');
    totals.expiredPlanned += expired.length;
    // Never silent: an hour Stripe can no longer take is a line in the log and in reconciliation.
    for (const row of expired) deps.logger.warn({ accountId: row.accountId, hourStartMs: row.hourStartMs, units: row.value.toString() }, 'usage older than Stripe accepts; recorded as expired');
  }
  return totals;
}
