// One hourly Stripe reporting pass for many subscribed accounts against stripe-mock: how long it
// takes (planning in SQL, then sending) and how many requests it made. Each pass has exactly one
// closed hour per account, so it sends one meter event per account.
// Needs the real services: `bash scripts/services up && eval "$(bash scripts/services env)"`.
//   BENCH_ACCOUNTS=10000 BENCH_CONCURRENCY=16,64 npx tsx bench/billing-report.ts
import { pino } from 'pino';
import { sql } from 'slonik';
import { stripeBillingProvider } from '@baketsu/billing';
import { HOUR_MS } from '@baketsu/billing-core';
import { stripeMock } from '@baketsu/billing/testing';
import { createTestDatabase } from '../services/metering/test/database.js';
import { runReportingPass } from '../services/metering/src/billing/reporter.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '16,64').split(',').map(Number);
const T0 = Date.UTC(2026, 10, 20, 0);
const GRACE_SECONDS = 900;

const database = await createTestDatabase({ poolSize: 8 });
try {
  // Subscribed at T0 with the baseline read; three files each (one deleted), stored before T0.
  await database.pool.query(sql.unsafe`
    with a as (
      select gen_random_uuid() as id, n from generate_series(1, ${ACCOUNTS}) n
    ), accounts_in as (
      insert into accounts (id, email, password_hash) select id, 'bench-' || n || '@example.com', 'x' from a returning id
    ), billing_in as (
      insert into billing_accounts (account_id, stripe_customer_id, subscription_id, subscription_status, report_from_ms)
      select id, 'cus_bench_' || replace(id::text, '-', ''), 'sub_bench_' || replace(id::text, '-', ''), 'active', ${T0} from accounts_in
      returning account_id, stripe_customer_id, subscription_id
    ), subscriptions_in as (
      insert into billing_subscriptions (subscription_id, account_id, stripe_customer_id, status, event_at, report_from_ms)
      select subscription_id, account_id, stripe_customer_id, 'active', 1, ${T0} from billing_in returning subscription_id, account_id
    ), cursors_in as (
      insert into billing_report_cursors (subscription_id, account_id, reported_through_ms, reported_units, unit)
      select subscription_id, account_id, ${T0}, 0, 'MiB-hour' from subscriptions_in
    )
    insert into metering.file_intervals (file_id, account_id, size_bytes, family, stored_at_ms, deleted_at_ms)
    select gen_random_uuid(), a.id, (1 + (random() * 500)::int) * 1048576 + f, 'other', ${T0}::bigint - 86400000 * f,
           case when f = 3 then ${T0}::bigint + 1800000 else null end
    from a, generate_series(1, 3) f`);
  await database.pool.query(sql.unsafe`analyze`);
  const stripe = stripeBillingProvider(stripeMock());

  console.log(`${ACCOUNTS.toLocaleString('en-US')} subscribed accounts, stripe-mock at ${process.env.TEST_STRIPE_HOST}:${process.env.TEST_STRIPE_PORT}`);
  for (const [index, concurrency] of CONCURRENCIES.entries()) {
    let requests = 0;
    const clock = { now: () => new Date(T0 + (index + 1) * HOUR_MS + GRACE_SECONDS * 1000) };
    const started = performance.now();
    const result = await runReportingPass({
      pool: database.pool,
      sink: { send: (report) => ((requests += 1), stripe.sendMeterEvent(report)) },
      clock,
      logger: pino({ level: 'warn' }),
      unit: 'MiB-hour',
      graceSeconds: GRACE_SECONDS,
      concurrency,
    });
    const ms = performance.now() - started;
    if (!result) throw new Error('another reporter held the lock');
    console.log(
      `pass ${index + 1} (concurrency ${concurrency}): ${(ms / 1000).toFixed(1)} s, ${requests.toLocaleString('en-US')} Stripe requests ` +
        `(${Math.round((requests * 1000) / ms).toLocaleString("en-US")}/s; planning ${(result.planMs / 1000).toFixed(1)} s, sending ${(result.sendMs / 1000).toFixed(1)} s), planned ${result.eventsPlanned.toLocaleString('en-US')} events for ` +
        `${result.subscriptionsPlanned.toLocaleString('en-US')} subscriptions, sent ${result.sent.toLocaleString('en-US')}, failed ${result.failed}, deferred ${result.deferred}`,
    );
  }
} finally {
  await database.drop();
}
