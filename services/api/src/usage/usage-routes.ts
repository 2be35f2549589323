import express, { type Router } from 'express';
import type { DatabasePool } from 'slonik';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import type { Clock } from '@baketsu/platform/clock';
import { errors } from '#src/platform/errors.js';
import { DAY_MS, dailySeries, estimateMonthlyCost, utcMonthOf, type UsagePrice } from '@baketsu/billing-core';
import { usageRepository } from '@baketsu/metering/read-model';
import { readMonthToDate } from './month-to-date.js';

export interface UsageRouterDependencies {
  pool: DatabasePool;
  clock: Clock;
  resolveBearer: BearerResolver;
  price: UsagePrice;
}

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `/v1/dashboard/*`: the usage read model metering keeps, always for the caller's own account. */
export function usageRouter(deps: UsageRouterDependencies): Router {
  const repository = usageRepository(deps.pool);
  const router = express.Router();
  const authenticated = requirePrincipal(deps.resolveBearer, 'read');

  router.get('/v1/dashboard/usage', authenticated, async (request, response) => {
    const accountId = principalOf(request).account.id;
    const now = deps.clock.now().getTime();
    const [monthToDate, families] = await Promise.all([readMonthToDate(repository, accountId, now), repository.families(accountId)]);
    response.json({
      stored_bytes: safeNumber(monthToDate.storedBytes),
      file_count: monthToDate.fileCount,
      by_type: families.map((family) => ({ type: family.family, bytes: safeNumber(BigInt(family.bytes)), files: family.files })),
      byte_ms_month_to_date: monthToDate.byteMsMonthToDate.toString(),
      estimated_monthly_cost: estimateMonthlyCost({ ...monthToDate, price: deps.price }),
      as_of: new Date(now).toISOString(),
    });
  });

  router.get('/v1/dashboard/trend', authenticated, async (request, response) => {
    const days = integerParameter(request.query.days, 'days', { min: 1, max: 366, fallback: 30 });
    const accountId = principalOf(request).account.id;
    const now = deps.clock.now().getTime();
    const firstDay = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
    const series = dailySeries({ ...(await repository.days(accountId, firstDay, now)), firstDay, now });
    response.json({
      items: series.map((day) => ({ date: day.date, stored_bytes: safeNumber(day.storedBytes), byte_ms: day.byteMs.toString() })),
    });
  });

  router.get('/v1/dashboard/usage/files', authenticated, async (request, response) => {
    const accountId = principalOf(request).account.id;
    const now = deps.clock.now().getTime();
    const month = typeof request.query.month === 'string' ? request.query.month : new Date(now).toISOString().slice(0, 7);
    const match = MONTH_PATTERN.exec(month);
    if (!match) throw errors.validationFailed([{ path: '/query/month', message: 'must be a month as YYYY-MM' }]);
    const { startMs: start, endMs: end } = utcMonthOf(Number(match[1]), Number(match[2]) - 1);
    const limit = integerParameter(request.query.limit, 'limit', { min: 1, max: 1000, fallback: 100 });
    const offset = decodeCursor(request.query.cursor);
    // The current month counts up to now; a future month has no byte-time yet.
    const to = Math.max(start, Math.min(end, now));
    // Nothing has accrued in a month that has not begun (files held now would each show 0).
    const { total, rows } = to > start ? await repository.filesBetween(accountId, start, to, { limit: limit + 1, offset }) : { total: 0n, rows: [] };
    response.json({
      month,
      byte_ms_total: total.toString(),
      items: rows.slice(0, limit).map((row) => ({
        file_id: row.file_id,
        type: row.family ?? 'other',
        size_bytes: row.size_bytes,
        stored_at: new Date(row.stored_at_ms).toISOString(),
        deleted_at: row.deleted_at_ms === null ? null : new Date(Math.max(row.deleted_at_ms, row.stored_at_ms)).toISOString(),
        byte_ms: row.byte_ms,
      })),
      ...(rows.length > limit ? { next_cursor: encodeCursor(offset + limit) } : {}),
    });
  });

  return router;
}

function integerParameter(value: unknown, name: string, options: { min: number; max: number; fallback: number }): number {
  if (value === undefined) return options.fallback;
  // The OpenAPI validator may already have coerced the query string to a number.
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed) || parsed < options.min || parsed > options.max) {
    throw errors.validationFailed([{ path: `/query/${name}`, message: `must be an integer from ${options.min} to ${options.max}` }]);
  }
  return parsed;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(value: unknown): number {
  if (value === undefined) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(String(value), 'base64url').toString('utf8'));
    const offset = (parsed as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the problem below
  }
  throw errors.invalidCursor('the cursor is not one this listing returned');
}

// Bytes stay exact as JSON numbers up to 8 PiB; beyond that a silent float would be wrong.
function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${value} is not a safe integer`);
  return Number(value);
}
