// Pure: turns one subscription's cumulative byte-time at consecutive hour boundaries into meter events.
// The units due at boundary t are floor(cum(t)/unit) − floor(cum(start)/unit), both read from the
// projection as it is now; the event for the hour ending at t carries what is due minus what has
// been reported so far (signed). So what Stripe sums is always floor(cum/unit) over the subscription
// up to the last boundary, exactly, and usage folded after its hour was reported (a late event) is
// corrected in the next hour, up or down.
import { HOUR_MS, wholeUnits, type MeterUnit } from '@baketsu/billing-core';

export interface CursorState {
  /** Hours ending at or before this instant are done (the subscription's start before the first). */
  reportedThroughMs: number;
  /** Net whole units reported for the subscription so far (every recorded report, signed). */
  reportedUnits: bigint;
}

export interface PlannedReport {
  hourStartMs: number;
  value: bigint;
  cumByteMs: bigint;
  /** expired: older than Stripe accepts (35 days); kept and shown by reconciliation, never sent. */
  status: 'pending' | 'expired';
}

/**
 * Stripe refuses meter values of more than 15 significant digits (since 2026-04-22). One hour of the
 * largest account (2^53 − 1 bytes, the quota ceiling) is under 2^43 KiB-hours, 13 digits; only a
 * correction covering many hours could pass the limit. What is over it waits for the next hour, so
 * sums still converge.
 */
export const MAX_METER_VALUE = 10n ** 15n - 1n;

/**
 * `points` are (boundary, cumulative byte-ms) in ascending order, each one hour after the previous,
 * the first one hour after the cursor. The last may instead fall inside the hour: an ended
 * subscription's end, whose partial hour is its last. `baselineCumByteMs` is the cumulative byte-ms
 * at the subscription's start: usage before it is not billed.
 */
export function planHours(
  cursor: CursorState,
  baselineCumByteMs: bigint,
  points: ReadonlyArray<{ t: number; cumByteMs: bigint }>,
  unit: MeterUnit,
  oldestSendableHourMs: number,
): { reports: PlannedReport[]; cursor: CursorState } {
  let { reportedThroughMs, reportedUnits } = cursor;
  const baseline = wholeUnits(baselineCumByteMs, unit);
  const reports: PlannedReport[] = [];
  for (const point of points) {
    if (!followsCursor(point.t, reportedThroughMs)) throw new Error(`point ${point.t} does not follow ${reportedThroughMs}`);
    const due = wholeUnits(point.cumByteMs, unit) - baseline;
    const value = clamp(due - reportedUnits, MAX_METER_VALUE);
    if (value !== 0n) {
      const hourStartMs = reportedThroughMs;
      reports.push({ hourStartMs, value, cumByteMs: point.cumByteMs, status: hourStartMs < oldestSendableHourMs ? 'expired' : 'pending' });
      reportedUnits += value;
    }
    reportedThroughMs = point.t;
  }
  return { reports, cursor: { reportedThroughMs, reportedUnits } };
}

function clamp(value: bigint, limit: bigint): bigint {
  return value > limit ? limit : value < -limit ? -limit : value;
}

/** Points come from an hour boundary: the next boundary, or (an ended subscription's end) an instant inside the hour. */
function followsCursor(t: number, reportedThroughMs: number): boolean {
  if (reportedThroughMs % HOUR_MS !== 0) return false;
  if (t % HOUR_MS === 0) return t === reportedThroughMs + HOUR_MS;
  return t > reportedThroughMs && t < reportedThroughMs + HOUR_MS;
}

/** Stripe takes meter events up to 35 days old; an hour of margin keeps a slow pass inside the window. */
export const STRIPE_WINDOW_MS = 35 * 24 * HOUR_MS;
export function oldestSendableHour(nowMs: number): number {
  return nowMs - STRIPE_WINDOW_MS + HOUR_MS;
}

/** The last boundary that is closed and past the grace period, as of `nowMs`. */
export function lastReportableBoundary(nowMs: number, graceSeconds: number): number {
  return Math.floor((nowMs - graceSeconds * 1000) / HOUR_MS) * HOUR_MS;
}
