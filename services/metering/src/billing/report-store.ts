// SQL of the hourly reporter: cursors, cumulative byte-time at hour boundaries, and the report rows
// that are written before anything is sent.
import { HOUR_MS, intervalByteMs } from '@baketsu/billing-core';
import { sql, type CommonQueryMethods, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { CursorState, PlannedReport } from './report-plan.js';

// Stripe invoices usage of these. A canceled subscription is reported up to its end
// (`report_until_ms`), then no more.
export const REPORTABLE_STATUSES = ['active', 'trialing', 'past_due', 'unpaid'] as const;
/** One pass reads at most this many boundaries per account; a longer gap is worked off pass after pass. */
export const MAX_BOUNDARIES_PER_PASS = 24 * 40;

const dueRow = z.object({
  account_id: z.string(),
  stripe_customer_id: z.string(),
  reported_through_ms: z.number(),
  reported_units: z.string().nullable(),
  /** The subscription's end, for a canceled one: the last point reported. */
  report_until_ms: z.number().nullable(),
});
export type DueAccount = z.infer<typeof dueRow>;

const pendingRow = z.object({
  account_id: z.string(),
  hour_start_ms: z.number(),
  identifier: z.string(),
  stripe_customer_id: z.string(),
  meter_event_name: z.string(),
  value: z.string(),
  attempts: z.number(),
});
export type PendingReport = z.infer<typeof pendingRow>;

const statuses = sql.array([...REPORTABLE_STATUSES], 'text');
/** A subscription reported on (`billing_accounts` as `b`): live, or ended with usage before its end still to report. */
const reported = sql.fragment`(b.subscription_status = any(${statuses})
  or (b.subscription_status = 'canceled' and b.report_until_ms is not null))`;

/** Newly subscribed accounts get a cursor at their start; the baseline is read on the first pass. */
export async function openCursors(db: CommonQueryMethods): Promise<void> {
  await db.query(sql.unsafe`
    insert into billing_report_cursors (account_id, reported_through_ms, reported_units)
    select b.account_id, b.report_from_ms, null from billing_accounts b
    where b.subscription_id is not null and b.report_from_ms is not null and b.stripe_customer_id is not null
      and ${reported} and (b.report_until_ms is null or b.report_until_ms > b.report_from_ms)
    on conflict (account_id) do nothing`);
}

/**
 * How far a pass may report: hours ending at or before `boundary` (the last hour boundary past the
 * grace period), and an ended subscription's end once `instant` (now minus the grace period) has
 * passed it, without waiting for the end of its hour.
 */
export interface ReportHorizon {
  boundary: number;
  instant: number;
}

/** Locks the next batch of accounts with something to plan; other reporters skip them. */
export function lockDueAccounts(tx: DatabaseTransactionConnection, horizon: ReportHorizon, afterAccountId: string, limit: number) {
  const until = sql.fragment`coalesce(b.report_until_ms, 'infinity'::numeric)`;
  return tx.any(sql.type(dueRow)`
    select c.account_id, b.stripe_customer_id, c.reported_through_ms, c.reported_units::text as reported_units, b.report_until_ms
    from billing_report_cursors c join billing_accounts b using (account_id)
    where ${reported} and b.stripe_customer_id is not null
      and c.reported_through_ms < ${until}
      and (
        -- the baseline at the subscription's start
        c.reported_units is null and c.reported_through_ms <= ${horizon.boundary}
        -- the next hour, closed and past the grace period
        or c.reported_units is not null and c.reported_through_ms + ${HOUR_MS} <= least(${horizon.boundary}, ${until})
        -- an ended subscription's last, partial hour, once its end is past the grace period
        or c.reported_units is not null and b.report_until_ms < c.reported_through_ms + ${HOUR_MS} and b.report_until_ms <= ${horizon.instant})
      and c.account_id > ${afterAccountId}
    order by c.account_id
    limit ${limit}
    for update of c skip locked`);
}

/** Cumulative byte-ms at every boundary each account needs, grouped per account in ascending order. */
export async function cumulativeAtBoundaries(db: CommonQueryMethods, due: readonly DueAccount[], horizon: ReportHorizon): Promise<Map<string, Array<{ t: number; cumByteMs: bigint }>>> {
  const firsts = due.map((account) => account.reported_through_ms + (account.reported_units === null ? 0 : HOUR_MS));
  const lasts = firsts.map((first, i) => Math.min(horizon.boundary, due[i]!.report_until_ms ?? Infinity, first + (MAX_BOUNDARIES_PER_PASS - 1) * HOUR_MS));
  // An ended subscription's end, when it falls inside an hour: its last point, after the boundaries.
  const ends = due.map((account, i) => {
    const until = account.report_until_ms;
    if (until === null || until % HOUR_MS === 0 || until > horizon.instant || until <= account.reported_through_ms) return null;
    return until < firsts[i]! + MAX_BOUNDARIES_PER_PASS * HOUR_MS ? until : null;
  });
  const rows = await db.any(sql.type(z.object({ account_id: z.string(), t: z.number(), cum: z.string() }))`
    with due as (
      select * from unnest(${sql.array(due.map((account) => account.account_id), 'uuid')}, ${sql.array(firsts, 'int8')},
                           ${sql.array(lasts, 'int8')}, ${sql.array(ends, 'int8')}) as d(account_id, first_ms, last_ms, end_ms)
    ), points as (
      select d.account_id, g.t from due d cross join lateral generate_series(d.first_ms, d.last_ms, ${HOUR_MS}::bigint) as g(t)
      union all
      select d.account_id, d.end_ms from due d where d.end_ms is not null
    )
    select p.account_id, p.t, coalesce(sum(${intervalByteMs(sql.fragment`0::bigint`, sql.fragment`p.t`)}), 0)::numeric(40, 0)::text as cum
    from points p
    left join metering.file_intervals fi on fi.account_id = p.account_id and fi.stored_at_ms is not null and fi.stored_at_ms < p.t
    group by p.account_id, p.t
    order by p.account_id, p.t`);
  const byAccount = new Map<string, Array<{ t: number; cumByteMs: bigint }>>();
  for (const row of rows) {
    const list = byAccount.get(row.account_id) ?? [];
    list.push({ t: row.t, cumByteMs: BigInt(row.cum) });
    byAccount.set(row.account_id, list);
  }
  return byAccount;
}

export interface ReportRow extends PlannedReport {
  accountId: string;
  customerId: string;
  identifier: string;
  eventName: string;
}

/** The rows and the cursor move together, so a plan is either fully recorded or not at all. */
export async function recordPlan(tx: DatabaseTransactionConnection, rows: readonly ReportRow[], cursors: ReadonlyArray<{ accountId: string } & CursorState>): Promise<void> {
  if (rows.length > 0) {
    await tx.query(sql.unsafe`
      insert into billing_meter_reports (account_id, hour_start_ms, identifier, stripe_customer_id, meter_event_name, value, cum_byte_ms, status)
      select * from unnest(
        ${sql.array(rows.map((row) => row.accountId), 'uuid')}, ${sql.array(rows.map((row) => row.hourStartMs), 'int8')},
        ${sql.array(rows.map((row) => row.identifier), 'text')}, ${sql.array(rows.map((row) => row.customerId), 'text')},
        ${sql.array(rows.map((row) => row.eventName), 'text')}, ${sql.array(rows.map((row) => row.value.toString()), 'numeric')},
        ${sql.array(rows.map((row) => row.cumByteMs.toString()), 'numeric')}, ${sql.array(rows.map((row) => row.status), 'text')})
      on conflict (account_id, hour_start_ms) do nothing`);
  }
  if (cursors.length === 0) return;
  await tx.query(sql.unsafe`
    update billing_report_cursors c set reported_through_ms = u.through, reported_units = u.units, updated_at = now()
    from unnest(${sql.array(cursors.map((cursor) => cursor.accountId), 'uuid')}, ${sql.array(cursors.map((cursor) => cursor.reportedThroughMs), 'int8')},
                ${sql.array(cursors.map((cursor) => cursor.reportedUnits?.toString() ?? null), 'numeric')}) as u(account_id, through, units)
    where c.account_id = u.account_id`);
}

export function pendingReports(db: CommonQueryMethods) {
  return db.any(sql.type(pendingRow)`
    select account_id, hour_start_ms, identifier, stripe_customer_id, meter_event_name, value::text as value, attempts
    from billing_meter_reports where status = 'pending'
    order by stripe_customer_id, hour_start_ms`);
}

export async function markAttempts(db: CommonQueryMethods, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length === 0) return;
  await db.query(sql.unsafe`
    update billing_meter_reports set attempts = attempts + 1, last_attempt_at = now()
    where identifier = any(${sql.array([...identifiers], 'text')})`);
}

export async function markSent(db: CommonQueryMethods, identifiers: readonly string[]): Promise<void> {
  await db.query(sql.unsafe`
    update billing_meter_reports set status = 'sent', last_error = null, sent_at = now()
    where identifier = any(${sql.array([...identifiers], 'text')}) and status = 'pending'`);
}

export async function markOutcome(db: CommonQueryMethods, identifier: string, status: 'failed' | 'expired' | 'pending', error: string | null): Promise<void> {
  await db.query(sql.unsafe`
    update billing_meter_reports
    set status = ${status}, last_error = ${error}
    where identifier = ${identifier}`);
}
