// SQL of the hourly reporter: cursors (one per subscription), cumulative byte-time at hour boundaries, and the report rows
// that are written before anything is sent.
import { HOUR_MS, intervalByteMs, type MeterUnitName } from '@baketsu/billing-core';
import { sql, type CommonQueryMethods, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { CursorState, PlannedReport } from './report-plan.js';

// Stripe invoices usage of these. A canceled subscription is reported up to its end
// (`report_until_ms`), then no more.
export const REPORTABLE_STATUSES = ['active', 'trialing', 'past_due', 'unpaid'] as const;
/** One pass reads at most this many boundaries per subscription; a longer gap is worked off pass after pass. */
export const MAX_BOUNDARIES_PER_PASS = 24 * 40;

const dueRow = z.object({
  subscription_id: z.string(),
  account_id: z.string(),
  stripe_customer_id: z.string(),
  reported_through_ms: z.number(),
  reported_units: z.string(),
  /** The subscription's start: the baseline, re-read every pass. */
  report_from_ms: z.number(),
  /** The subscription's end, for a canceled one: the last point reported. */
  report_until_ms: z.number().nullable(),
});
export type DueSubscription = z.infer<typeof dueRow>;

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
/**
 * A subscription reported on (`billing_subscriptions` as `s`): live, or ended with usage before its
 * end still to report; never a duplicate (a second live subscription of the same customer).
 */
const reported = sql.fragment`s.duplicate_of is null and (s.status = any(${statuses})
  or (s.status = 'canceled' and s.report_until_ms is not null))`;

/** Subscriptions without a cursor get one at their start, with nothing reported yet. */
export async function openCursors(db: CommonQueryMethods, unit: MeterUnitName): Promise<void> {
  await db.query(sql.unsafe`
    insert into billing_report_cursors (subscription_id, account_id, reported_through_ms, reported_units, unit)
    select s.subscription_id, s.account_id, s.report_from_ms, 0, ${unit} from billing_subscriptions s
    where ${reported} and (s.report_until_ms is null or s.report_until_ms > s.report_from_ms)
    on conflict (subscription_id) do nothing`);
}

/** Units of cursors still reporting that count in another unit than `unit`, with how many cursors each. */
export async function foreignUnits(db: CommonQueryMethods, unit: MeterUnitName): Promise<ReadonlyArray<{ unit: string; cursors: number }>> {
  return db.any(sql.type(z.object({ unit: z.string(), cursors: z.number() }))`
    select c.unit, count(*)::int as cursors
    from billing_report_cursors c join billing_subscriptions s using (subscription_id)
    where c.unit is not null and c.unit <> ${unit} and ${reported}
      and (s.report_until_ms is null or c.reported_through_ms < s.report_until_ms)
    group by c.unit order by c.unit`);
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

/** Locks the next batch of subscriptions with something to plan; other reporters skip them. */
export function lockDueSubscriptions(tx: DatabaseTransactionConnection, horizon: ReportHorizon, unit: MeterUnitName, afterSubscriptionId: string, limit: number) {
  const until = sql.fragment`coalesce(s.report_until_ms, 'infinity'::numeric)`;
  return tx.any(sql.type(dueRow)`
    select c.subscription_id, c.account_id, s.stripe_customer_id, c.reported_through_ms, c.reported_units::text as reported_units,
           s.report_from_ms, s.report_until_ms
    from billing_report_cursors c join billing_subscriptions s using (subscription_id)
    where ${reported} and (c.unit is null or c.unit = ${unit})
      and c.reported_through_ms < ${until}
      and (
        -- the next hour, closed and past the grace period
        c.reported_through_ms + ${HOUR_MS} <= least(${horizon.boundary}, ${until})
        -- an ended subscription's last, partial hour, once its end is past the grace period
        or s.report_until_ms < c.reported_through_ms + ${HOUR_MS} and s.report_until_ms <= ${horizon.instant})
      and c.subscription_id > ${afterSubscriptionId}
    order by c.subscription_id
    limit ${limit}
    for update of c skip locked`);
}

export interface SubscriptionPoints {
  /** Cumulative byte-ms at the subscription's start. */
  baseline: bigint;
  points: Array<{ t: number; cumByteMs: bigint }>;
}

/** Cumulative byte-ms at each subscription's start and at every boundary it needs, in ascending order. */
export async function cumulativeAtBoundaries(db: CommonQueryMethods, due: readonly DueSubscription[], horizon: ReportHorizon): Promise<Map<string, SubscriptionPoints>> {
  const firsts = due.map((subscription) => subscription.reported_through_ms + HOUR_MS);
  const lasts = firsts.map((first, i) => Math.min(horizon.boundary, due[i]!.report_until_ms ?? Infinity, first + (MAX_BOUNDARIES_PER_PASS - 1) * HOUR_MS));
  // An ended subscription's end, when it falls inside an hour: its last point, after the boundaries.
  const ends = due.map((subscription, i) => {
    const until = subscription.report_until_ms;
    if (until === null || until % HOUR_MS === 0 || until > horizon.instant || until <= subscription.reported_through_ms) return null;
    return until < firsts[i]! + MAX_BOUNDARIES_PER_PASS * HOUR_MS ? until : null;
  });
  const rows = await db.any(sql.type(z.object({ subscription_id: z.string(), t: z.number(), baseline: z.boolean(), cum: z.string() }))`
    with due as (
      select * from unnest(${sql.array(due.map((s) => s.subscription_id), 'text')}, ${sql.array(due.map((s) => s.account_id), 'uuid')},
                           ${sql.array(due.map((s) => s.report_from_ms), 'int8')}, ${sql.array(firsts, 'int8')},
                           ${sql.array(lasts, 'int8')}, ${sql.array(ends, 'int8')}) as d(subscription_id, account_id, from_ms, first_ms, last_ms, end_ms)
    ), points as (
      select d.subscription_id, d.account_id, d.from_ms as t, true as baseline from due d
      union all
      select d.subscription_id, d.account_id, g.t, false from due d cross join lateral generate_series(d.first_ms, d.last_ms, ${HOUR_MS}::bigint) as g(t)
      union all
      select d.subscription_id, d.account_id, d.end_ms, false from due d where d.end_ms is not null
    )
    select p.subscription_id, p.t, p.baseline, coalesce(sum(${intervalByteMs(sql.fragment`0::bigint`, sql.fragment`p.t`)}), 0)::numeric(40, 0)::text as cum
    from points p
    left join metering.file_intervals fi on fi.account_id = p.account_id and fi.stored_at_ms is not null and fi.stored_at_ms < p.t
    group by p.subscription_id, p.t, p.baseline
    order by p.subscription_id, p.baseline desc, p.t`);
  const bySubscription = new Map<string, SubscriptionPoints>();
  for (const row of rows) {
    const entry = bySubscription.get(row.subscription_id) ?? { baseline: 0n, points: [] };
    if (row.baseline) entry.baseline = BigInt(row.cum);
    else entry.points.push({ t: row.t, cumByteMs: BigInt(row.cum) });
    bySubscription.set(row.subscription_id, entry);
  }
  return bySubscription;
}

export interface ReportRow extends PlannedReport {
  accountId: string;
  subscriptionId: string;
  customerId: string;
  identifier: string;
  eventName: string;
}

/** The rows and the cursor move together, so a plan is either fully recorded or not at all. */
export async function recordPlan(
  tx: DatabaseTransactionConnection,
  rows: readonly ReportRow[],
  cursors: ReadonlyArray<{ subscriptionId: string } & CursorState>,
  unit: MeterUnitName,
): Promise<void> {
  if (rows.length > 0) {
    await tx.query(sql.unsafe`
      insert into billing_meter_reports (account_id, subscription_id, hour_start_ms, identifier, stripe_customer_id, meter_event_name, value, cum_byte_ms, status)
      select * from unnest(
        ${sql.array(rows.map((row) => row.accountId), 'uuid')}, ${sql.array(rows.map((row) => row.subscriptionId), 'text')},
        ${sql.array(rows.map((row) => row.hourStartMs), 'int8')},
        ${sql.array(rows.map((row) => row.identifier), 'text')}, ${sql.array(rows.map((row) => row.customerId), 'text')},
        ${sql.array(rows.map((row) => row.eventName), 'text')}, ${sql.array(rows.map((row) => row.value.toString()), 'numeric')},
        ${sql.array(rows.map((row) => row.cumByteMs.toString()), 'numeric')}, ${sql.array(rows.map((row) => row.status), 'text')})
      on conflict (account_id, hour_start_ms) do nothing`);
  }
  if (cursors.length === 0) return;
  await tx.query(sql.unsafe`
    update billing_report_cursors c set reported_through_ms = u.through, reported_units = u.units, unit = ${unit}, updated_at = now()
    from unnest(${sql.array(cursors.map((cursor) => cursor.subscriptionId), 'text')}, ${sql.array(cursors.map((cursor) => cursor.reportedThroughMs), 'int8')},
                ${sql.array(cursors.map((cursor) => cursor.reportedUnits.toString()), 'numeric')}) as u(subscription_id, through, units)
    where c.subscription_id = u.subscription_id`);
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
