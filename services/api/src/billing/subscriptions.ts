// An account's Stripe subscriptions, one row each (migration 0110), as the webhooks tell them. The
// reporter bills per subscription, so a new one never wipes what the previous one still has to report;
// billing_accounts mirrors the subscription in force for the API. Decision 006.
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Logger } from '#src/platform/logger.js';
import { ceilHour } from '@baketsu/billing-core';

export interface SubscriptionChange {
  accountId: string;
  customerId: string;
  subscriptionId: string;
  status: string;
  /** Stripe's `created` of the event (seconds); 0 for what a Checkout Session says before any subscription event. */
  eventAt: number;
  startedAtMs: number;
  /** Its end, once cancelled. */
  endedAtMs: number | null;
  periodStartMs: number | null;
  periodEndMs: number | null;
}

const subscriptionRow = z.object({
  subscription_id: z.string(),
  status: z.string(),
  event_at: z.number(),
  report_from_ms: z.number(),
  report_until_ms: z.number().nullable(),
  duplicate_of: z.string().nullable(),
});

/** A subscription in these statuses bills the customer's meter usage (or will, once paid). */
export function holdsCustomer(status: string): boolean {
  return status !== 'canceled' && status !== 'incomplete_expired';
}

/**
 * Applies one subscription event. A second subscription that is live while the account already has
 * one (Stripe's dashboard or API can make it; our checkout refuses) is recorded as a duplicate: it is
 * never reported on, the account is flagged and an error is logged. When the subscription in force
 * ends, a live duplicate takes over, reported from the end of the one before.
 */
export async function applySubscriptionChange(tx: DatabaseTransactionConnection, change: SubscriptionChange, logger: Logger): Promise<void> {
  await tx.query(sql.unsafe`select 1 from billing_accounts where account_id = ${change.accountId} for update`);
  const rows = await tx.any(sql.type(subscriptionRow)`
    select subscription_id, status, event_at, report_from_ms, report_until_ms, duplicate_of
    from billing_subscriptions where account_id = ${change.accountId} order by report_from_ms, subscription_id`);
  const current = rows.find((row) => row.subscription_id === change.subscriptionId);
  // Stripe does not promise order; an event older than the one last applied changes nothing.
  if (current && current.event_at > change.eventAt) return;
  // Cancelled is final in Stripe: a late event of the same subscription must not revive it.
  if (current?.status === 'canceled' && change.status !== 'canceled') return;
  const others = rows.filter((row) => row.subscription_id !== change.subscriptionId);
  let duplicateOf = current?.duplicate_of ?? null;
  let reportFromMs = current?.report_from_ms ?? null;
  if (!current) {
    const holder = others.find((row) => row.duplicate_of === null && holdsCustomer(row.status));
    if (holder && holdsCustomer(change.status)) duplicateOf = holder.subscription_id;
    // Never across the gap since the last one, and never over hours the previous one still reports.
    reportFromMs = Math.max(ceilHour(change.startedAtMs), ...others.filter((row) => row.duplicate_of === null).map((row) => ceilHour(row.report_until_ms ?? 0)));
  }
  await tx.query(sql.unsafe`
    insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, current_period_start,
                                       current_period_end, report_from_ms, report_until_ms, duplicate_of)
    values (${change.subscriptionId}, ${change.accountId}, ${change.customerId}, ${change.status}, ${change.eventAt},
            ${timestamp(change.periodStartMs)}, ${timestamp(change.periodEndMs)}, ${reportFromMs}, ${change.endedAtMs}, ${duplicateOf})
    on conflict (subscription_id) do update set
      status = excluded.status, event_at = excluded.event_at,
      current_period_start = coalesce(excluded.current_period_start, billing_subscriptions.current_period_start),
      current_period_end = coalesce(excluded.current_period_end, billing_subscriptions.current_period_end),
      report_until_ms = excluded.report_until_ms, updated_at = now()`);
  if (!current && duplicateOf !== null) {
    logger.error(
      { accountId: change.accountId, customerId: change.customerId, subscriptionId: change.subscriptionId, inForce: duplicateOf },
      'second live subscription for one customer: it is not reported on, but Stripe bills the meter on both until one is cancelled',
    );
  }
  await promoteDuplicate(tx, change.accountId, logger);
  await mirrorOnAccount(tx, change.accountId);
}

/** With no subscription in force left, the oldest live duplicate takes over from the end of the one before. */
async function promoteDuplicate(tx: DatabaseTransactionConnection, accountId: string, logger: Logger): Promise<void> {
  const rows = await tx.any(sql.type(subscriptionRow)`
    select subscription_id, status, event_at, report_from_ms, report_until_ms, duplicate_of
    from billing_subscriptions where account_id = ${accountId} order by report_from_ms, subscription_id`);
  if (rows.some((row) => row.duplicate_of === null && holdsCustomer(row.status))) return;
  const heir = rows.find((row) => row.duplicate_of !== null && holdsCustomer(row.status));
  if (!heir) return;
  const fromMs = Math.max(heir.report_from_ms, ...rows.filter((row) => row.duplicate_of === null).map((row) => ceilHour(row.report_until_ms ?? 0)));
  await tx.query(sql.unsafe`
    update billing_subscriptions set duplicate_of = null, report_from_ms = ${fromMs}, updated_at = now()
    where subscription_id = ${heir.subscription_id}`);
  await tx.query(sql.unsafe`
    update billing_subscriptions set duplicate_of = ${heir.subscription_id}
    where account_id = ${accountId} and duplicate_of is not null and subscription_id <> ${heir.subscription_id}`);
  logger.warn({ accountId, subscriptionId: heir.subscription_id, reportFromMs: fromMs }, 'duplicate subscription is now the one in force');
}

/** billing_accounts shows the subscription in force (else the latest one) and whether a duplicate is live. */
async function mirrorOnAccount(tx: DatabaseTransactionConnection, accountId: string): Promise<void> {
  await tx.query(sql.unsafe`
    update billing_accounts b set
      subscription_id = s.subscription_id, subscription_status = s.status, subscription_event_at = nullif(s.event_at, 0),
      current_period_start = s.current_period_start, current_period_end = s.current_period_end,
      report_from_ms = s.report_from_ms, report_until_ms = s.report_until_ms,
      duplicate_subscription_id = d.subscription_id,
      duplicate_detected_at = case when d.subscription_id is null then null
                                   when d.subscription_id is distinct from b.duplicate_subscription_id then now()
                                   else b.duplicate_detected_at end,
      updated_at = now()
    from (select * from billing_subscriptions where account_id = ${accountId} and duplicate_of is null
          order by status not in ('canceled', 'incomplete_expired') desc, report_from_ms desc, subscription_id limit 1) s
    left join lateral (select subscription_id from billing_subscriptions
                       where account_id = ${accountId} and duplicate_of is not null and status not in ('canceled', 'incomplete_expired')
                       order by report_from_ms, subscription_id limit 1) d on true
    where b.account_id = ${accountId}`);
}

function timestamp(ms: number | null) {
  return ms === null ? null : sql.timestamp(new Date(ms));
}

