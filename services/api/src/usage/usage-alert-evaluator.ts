// Compares each account's projected month cost (the dashboard's estimate, same reading and formula)
// with its alert thresholds, and records each threshold crossed at most once per month. Runs in the
// API process, which owns the price, the currency, the spend caps and the mail (decision 017), as a
// periodic job on every instance. Exactly once comes from the database, not from who runs: the
// alert row's unique key (account, month, threshold) decides, `on conflict do nothing` makes a
// second evaluator (or one restarted after a crash) a no-op, and the usage.alert event and the mail
// are written only by the transaction whose insert won. A crash before commit leaves nothing.
import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { formatMicros, pricePerGibMonthMicros, projectedMonthCostMicros, projectionReaches, utcMonth } from '@baketsu/billing-core';
import type { Clock } from '@baketsu/platform/clock';
import { usageAlertEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { usageRepository, type UsageRepository } from '@baketsu/metering/read-model';
import type { DatabasePool } from 'slonik';
import { effectiveLimits, readAccountLimits } from '#src/files/limits.js';
import type { Config } from '#src/platform/config.js';
import type { Logger } from '#src/platform/logger.js';
import { readMonthToDate } from './month-to-date.js';
import type { UsageAlertMailer } from './usage-alert-mail.js';
import { thresholdFraction, thresholdJson, thresholdRepository, type Threshold } from './usage-alert-thresholds.js';

export interface UsageAlertDeps {
  pool: DatabasePool;
  clock: Clock;
  config: Pick<Config, 'PRICE_PER_GIB_MONTH' | 'CURRENCY' | 'DEFAULT_STORAGE_QUOTA_BYTES' | 'DEFAULT_MONTHLY_SPEND_CAP' | 'UNVERIFIED_STORAGE_LIMIT_BYTES'>;
  logger: Logger;
  mailer: UsageAlertMailer;
}

const PAGE = 200;
const accountPage = z.object({ id: z.string() });

/** One pass over every live account with thresholds. Returns how many alerts it recorded. */
export async function evaluateUsageAlerts(deps: UsageAlertDeps): Promise<number> {
  const repository = usageRepository(deps.pool);
  const month = new Date(utcMonth(deps.clock.now().getTime()).startMs).toISOString().slice(0, 10);
  let recorded = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // Only accounts with a threshold not yet alerted this month: a month's steady state reads nothing more.
    const accounts = await deps.pool.any(sql.type(accountPage)`
      select a.id from accounts a
      where a.id > ${after} and a.deletion_requested_at is null
        and exists (
          select 1 from usage_alert_thresholds t
          where t.account_id = a.id
            and not exists (select 1 from usage_alerts u where u.account_id = a.id and u.month = ${month}::date and u.threshold_key = t.threshold_key))
      order by a.id limit ${PAGE}`);
    for (const account of accounts) {
      try {
        recorded += await evaluateAccount(deps, repository, account);
      } catch (error) {
        // Its transaction rolled back whole; the next pass tries again. One account must not stop the rest.
        deps.logger.error({ err: error, accountId: account.id }, 'usage alert evaluation failed');
      }
    }
    if (accounts.length < PAGE) return recorded;
    after = accounts[accounts.length - 1]!.id;
  }
}

async function evaluateAccount(deps: UsageAlertDeps, repository: UsageRepository, account: { id: string }): Promise<number> {
  const now = deps.clock.now();
  const month = utcMonth(now.getTime());
  const monthDate = new Date(month.startMs).toISOString().slice(0, 10);
  const [thresholds, limits, monthToDate, alerted] = await Promise.all([
    thresholdRepository.read(deps.pool, account.id),
    readAccountLimits(deps.pool, account.id),
    readMonthToDate(repository, account.id, now.getTime()),
    deps.pool.anyFirst(sql.type(z.object({ threshold_key: z.string() }))`
      select threshold_key from usage_alerts where account_id = ${account.id} and month = ${monthDate}::date`),
  ]);
  const capMicros = effectiveLimits(limits, deps.config).capMicros;
  const projection = { ...monthToDate, pricePerGibMonthMicros: pricePerGibMonthMicros(deps.config) };
  const crossed = thresholds.flatMap((threshold) => {
    if (alerted.includes(threshold.key)) return [];
    const fraction = thresholdFraction(threshold, capMicros);
    return fraction && projectionReaches(projection, fraction.micros, fraction.scale) ? [{ threshold, fraction }] : [];
  });
  if (crossed.length === 0) return 0;
  const projectedMicros = projectedMonthCostMicros(projection);
  let recorded = 0;
  for (const { threshold, fraction } of crossed) {
    // Rounded up for display: the amount reached is never shown as more than the threshold.
    const thresholdMicros = (fraction.micros + fraction.scale - 1n) / fraction.scale;
    const inserted = await recordAlert(deps, { accountId: account.id, threshold, thresholdMicros, projectedMicros, monthDate, at: now });
    if (inserted) recorded++;
  }
  return recorded;
}

interface CrossedThreshold {
  accountId: string;
  threshold: Threshold;
  thresholdMicros: bigint;
  projectedMicros: bigint;
  monthDate: string;
  at: Date;
}

async function recordAlert(deps: UsageAlertDeps, crossed: CrossedThreshold): Promise<boolean> {
  const currency = deps.config.CURRENCY;
  return deps.pool.transaction(async (tx) => {
    // Read again under a lock the deletion request's own conflicts with: an account whose deletion
    // was requested since the pass listed it gets no alert (nor a mail after its goodbye note), and
    // the mail goes to the address the account has now.
    const email = await tx.maybeOneFirst(sql.type(z.object({ email: z.string() }))`
      select email from accounts where id = ${crossed.accountId} and deletion_requested_at is null and email is not null for key share`);
    if (email === null) return false;
    const id = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      insert into usage_alerts (id, account_id, month, threshold_key, percent_of_cap, amount_micros, threshold_micros, projected_micros, currency, crossed_at)
      values (${uuidv7()}, ${crossed.accountId}, ${crossed.monthDate}::date, ${crossed.threshold.key}, ${crossed.threshold.percentOfCap},
              ${crossed.threshold.amountMicros?.toString() ?? null}, ${crossed.thresholdMicros.toString()}, ${crossed.projectedMicros.toString()},
              ${currency}, ${sql.timestamp(crossed.at)})
      on conflict on constraint usage_alerts_once do nothing
      returning id`);
    // Another evaluator (or this one before a restart) recorded it: its event and mail went with it.
    if (id === null) return false;
    const month = crossed.monthDate.slice(0, 7);
    const data = {
      alert_id: id,
      account_id: crossed.accountId,
      month,
      threshold: thresholdJson(crossed.threshold),
      threshold_amount: formatMicros(crossed.thresholdMicros),
      projected_cost: formatMicros(crossed.projectedMicros),
      currency,
      crossed_at: crossed.at.toISOString(),
    };
    await appendToOutbox(tx, usageAlertEvent(uuidv7(), data));
    const thresholdMoney = moneyText(crossed.thresholdMicros, currency);
    await deps.mailer.enqueue(tx, {
      accountId: crossed.accountId,
      to: email,
      month,
      thresholdLabel: crossed.threshold.percentOfCap !== null ? `${crossed.threshold.percentOfCap} % of your monthly spend cap (${thresholdMoney})` : thresholdMoney,
      projectedCost: moneyText(crossed.projectedMicros, currency),
    }, crossed.at);
    deps.logger.info({ accountId: crossed.accountId, alertId: id, threshold: crossed.threshold.key, month }, 'usage alert recorded');
    return true;
  });
}

/** 9_600_000n, 'usd' → "9.60 USD"; six places are kept where they matter ("0.000001 USD"). */
function moneyText(micros: bigint, currency: string): string {
  return `${formatMicros(micros).replace(/(\.\d\d\d*?)0+$/, '$1')} ${currency.toUpperCase()}`;
}
