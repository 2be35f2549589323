import express, { type Router } from 'express';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { formatMicros } from '@baketsu/billing-core';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { accountErrors } from '#src/accounts/account-errors.js';
import { effectiveLimits, readAccountLimits } from '#src/files/limits.js';
import type { Config } from '#src/platform/config.js';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedBody, validatedQuery } from '#src/platform/contract-validator.js';
import { errors } from '#src/platform/errors.js';
import { parseThresholds, thresholdJson, thresholdRepository, type Threshold } from './usage-alert-thresholds.js';

export interface UsageAlertRouterDeps {
  pool: DatabasePool;
  config: Config;
  resolveBearer: BearerResolver;
}

const alertRow = z.object({
  id: z.string(),
  month: z.string(),
  percent_of_cap: z.number().nullable(),
  amount_micros: z.string().nullable(),
  threshold_micros: z.string(),
  projected_micros: z.string(),
  currency: z.string(),
  crossed_at: z.number(),
});

/** `/v1/usage/alert-thresholds` and `/v1/usage/alerts`, always for the caller's own account. */
export function usageAlertRouter(deps: UsageAlertRouterDeps): Router {
  const router = express.Router();

  const answerThresholds = async (accountId: string, thresholds: readonly Threshold[]): Promise<ResponseBody<'getUsageAlertThresholds'>> => {
    const { capMicros } = effectiveLimits(await readAccountLimits(deps.pool, accountId), deps.config);
    return { thresholds: thresholds.map(thresholdJson), monthly_spend_cap: capMicros === null ? null : formatMicros(capMicros), currency: deps.config.CURRENCY };
  };

  router.get('/v1/usage/alert-thresholds', requirePrincipal(deps.resolveBearer, 'read'), async (request, response) => {
    const accountId = principalOf(request).account.id;
    response.json(await answerThresholds(accountId, await thresholdRepository.read(deps.pool, accountId)));
  });

  router.put('/v1/usage/alert-thresholds', requirePrincipal(deps.resolveBearer, 'write'), async (request, response) => {
    const accountId = principalOf(request).account.id;
    const thresholds = parseThresholds(validatedBody('setUsageAlertThresholds', request).thresholds);
    await deps.pool.transaction(async (tx) => {
      // Under the account's row lock, so the cap cannot be lifted between the check and the write.
      const limits = await tx.one(sql.type(z.object({ spend_cap_ceiling_micros: z.number().nullable(), spend_cap_micros: z.number().nullable() }))`
        select spend_cap_ceiling_micros, spend_cap_micros from accounts where id = ${accountId} for no key update`);
      const { capMicros } = effectiveLimits({ ...limits, storage_quota_bytes: null, email_verified: true }, deps.config);
      if (capMicros === null && thresholds.some((threshold) => threshold.percentOfCap !== null)) throw accountErrors.spendCapRequired();
      await thresholdRepository.replace(tx, accountId, thresholds);
    });
    response.json(await answerThresholds(accountId, thresholds));
  });

  router.get('/v1/usage/alerts', requirePrincipal(deps.resolveBearer, 'read'), async (request, response) => {
    const accountId = principalOf(request).account.id;
    const query = validatedQuery('listUsageAlerts', request);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const rows = await deps.pool.any(sql.type(alertRow)`
      select id, to_char(month, 'YYYY-MM') as month, percent_of_cap, amount_micros::text, threshold_micros::text, projected_micros::text, currency, crossed_at
      from usage_alerts where account_id = ${accountId}
        ${after ? sql.fragment`and (crossed_at, id) < (${sql.timestamp(new Date(after.crossedAt))}, ${after.id})` : sql.fragment``}
      order by crossed_at desc, id desc limit ${limit + 1}`);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    response.json({
      items: page.map((row) => ({
        id: row.id,
        month: row.month,
        threshold: thresholdJson({ percentOfCap: row.percent_of_cap, amountMicros: row.amount_micros === null ? null : BigInt(row.amount_micros) }),
        threshold_amount: formatMicros(BigInt(row.threshold_micros)),
        projected_cost: formatMicros(BigInt(row.projected_micros)),
        currency: row.currency,
        crossed_at: new Date(row.crossed_at).toISOString(),
      })),
      ...(rows.length > limit && last ? { next_cursor: encodeCursor({ crossedAt: last.crossed_at, id: last.id }) } : {}),
    } satisfies ResponseBody<'listUsageAlerts'>);
  });

  return router;
}

interface AlertCursor {
  crossedAt: number;
  id: string;
}

function encodeCursor(cursor: AlertCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.crossedAt, i: cursor.id })).toString('base64url');
}

const cursorShape = z.object({ t: z.number().int().nonnegative(), i: z.string().uuid() });

function decodeCursor(value: unknown): AlertCursor | null {
  if (value === undefined) return null;
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8')));
    if (parsed.success) return { crossedAt: parsed.data.t, id: parsed.data.i };
  } catch {
    // fall through to the problem below
  }
  throw errors.invalidCursor('the cursor is not one this listing returned');
}
