// One reporting pass: plan every closed hour of every subscribed account (recorded in one
// transaction per batch, before anything is sent), then send what is pending.
import { meterEventIdentifier, meterUnit, type MeterUnitName } from '@baketsu/billing-core';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Logger } from 'pino';
import { lastReportableBoundary, oldestSendableHour, planHours } from './report-plan.js';
import { cumulativeAtBoundaries, lockDueAccounts, openCursors, recordPlan, type ReportRow } from './report-store.js';
import { sendPending, type MeterEventSink, type SendResult } from './report-sender.js';

export interface ReporterDeps {
  pool: DatabasePool;
  sink: MeterEventSink;
  clock: { now(): Date };
  logger: Logger;
  unit: MeterUnitName;
  graceSeconds: number;
  concurrency: number;
  batchSize?: number;
  /** Test seams: retry tuning. */
  maxTries?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PassResult extends SendResult {
  accountsPlanned: number;
  eventsPlanned: number;
  expiredPlanned: number;
  planMs: number;
  sendMs: number;
}

// Session advisory lock: one pass at a time across all reporter processes, so no customer ever has
// two requests in flight and no pending row is sent by two processes at once.
const REPORTER_LOCK = 0x6b657473_75; // arbitrary, fixed

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
  const planned = await planClosedHours(deps, nowMs);
  const planMs = Math.round(performance.now() - started);
  const sent = await sendPending(deps.pool, deps.sink, {
    concurrency: deps.concurrency,
    oldestSendableHourMs: oldestSendableHour(nowMs),
    logger: deps.logger,
    ...(deps.maxTries === undefined ? {} : { maxTries: deps.maxTries }),
    ...(deps.baseDelayMs === undefined ? {} : { baseDelayMs: deps.baseDelayMs }),
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
  });
  return { ...planned, ...sent, planMs, sendMs: Math.round(performance.now() - started) - planMs };
}

async function planClosedHours(deps: ReporterDeps, nowMs: number) {
  const unit = meterUnit(deps.unit);
  const horizon = { boundary: lastReportableBoundary(nowMs, deps.graceSeconds), instant: nowMs - deps.graceSeconds * 1000 };
  const oldest = oldestSendableHour(nowMs);
  const totals = { accountsPlanned: 0, eventsPlanned: 0, expiredPlanned: 0 };
  await openCursors(deps.pool);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await deps.pool.transaction(async (tx) => {
      const due = await lockDueAccounts(tx, horizon, after, deps.batchSize ?? 1000);
      if (due.length === 0) return null;
      const points = await cumulativeAtBoundaries(tx, due, horizon);
      const rows: ReportRow[] = [];
      const cursors = due.flatMap((account) => {
        const cursor = { reportedThroughMs: account.reported_through_ms, reportedUnits: account.reported_units === null ? null : BigInt(account.reported_units) };
        let plan: ReturnType<typeof planHours>;
        try {
          plan = planHours(cursor, points.get(account.account_id) ?? [], unit, oldest);
        } catch (error) {
          // One account whose cursor makes no sense must not stop every account after it: it is
          // left as it is, loudly, and the rest are planned.
          deps.logger.error({ err: error, accountId: account.account_id }, 'reporting cursor cannot be planned; account skipped');
          return [];
        }
        for (const report of plan.reports) {
          rows.push({
            ...report,
            accountId: account.account_id,
            customerId: account.stripe_customer_id,
            identifier: meterEventIdentifier(account.account_id, report.hourStartMs),
            eventName: unit.eventName,
          });
        }
        return [{ accountId: account.account_id, ...plan.cursor }];
      });
      await recordPlan(tx, rows, cursors);
      return { last: due.at(-1)!.account_id, accounts: due.length, rows };
    });
    if (batch === null) break;
    after = batch.last;
    totals.accountsPlanned += batch.accounts;
    totals.eventsPlanned += batch.rows.filter((row) => row.status === 'pending').length;
    const expired = batch.rows.filter((row) => row.status === 'expired');
    totals.expiredPlanned += expired.length;
    // Never silent: an hour Stripe can no longer take is a line in the log and in reconciliation.
    for (const row of expired) deps.logger.warn({ accountId: row.accountId, hourStartMs: row.hourStartMs, units: row.value.toString() }, 'usage older than Stripe accepts; recorded as expired');
  }
  return totals;
}
