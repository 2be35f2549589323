// Pure: turns one account's cumulative byte-time at consecutive hour boundaries into meter events.
// The value for the hour ending at t is floor(cum(t)/unit) − the most units reported so far, so what
// Stripe sums is floor(cum/unit) at the last boundary, exactly, whatever happened in between.
import { HOUR_MS, wholeUnits, type MeterUnit } from '@baketsu/billing-core';

export interface CursorState {
  /** Hours ending at or before this instant are done. */
  reportedThroughMs: number;
  /** Most whole units ever reported; null until the first boundary (the subscription start) is read. */
  reportedUnits: bigint | null;
}

export interface PlannedReport {
  hourStartMs: number;
  value: bigint;
  cumByteMs: bigint;
  /** expired: older than Stripe accepts (35 days); kept and shown by reconciliation, never sent. */
  status: 'pending' | 'expired';
}

/**
 * `points` are (boundary, cumulative byte-ms) in ascending order, each one hour after the previous,
 * starting at the cursor's boundary when its baseline is unknown, else one hour after it. The last
 * may instead fall inside the hour: an ended subscription's end, whose partial hour is its last.
 */
export function planHours(
  cursor: CursorState,
  points: ReadonlyArray<{ t: number; cumByteMs: bigint }>,
  unit: MeterUnit,
  oldestSendableHourMs: number,
): { reports: PlannedReport[]; cursor: CursorState } {
  let { reportedThroughMs, reportedUnits } = cursor;
  const reports: PlannedReport[] = [];
  for (const point of points) {
    const units = wholeUnits(point.cumByteMs, unit);
    if (reportedUnits === null) {
      // Usage before the subscription started is not billed: the first boundary is the baseline.
      reportedUnits = units;
      reportedThroughMs = point.t;
      continue;
    }
    if (!followsCursor(point.t, reportedThroughMs)) throw new Error(`point ${point.t} does not follow ${reportedThroughMs}`);
    // A late delete can lower the past; nothing negative is sent, the excess is absorbed by later hours.
    const value = units - reportedUnits;
    if (value > 0n) {
      const hourStartMs = reportedThroughMs;
      reports.push({ hourStartMs, value, cumByteMs: point.cumByteMs, status: hourStartMs < oldestSendableHourMs ? 'expired' : 'pending' });
      reportedUnits = units;
    }
    reportedThroughMs = point.t;
  }
  return { reports, cursor: { reportedThroughMs, reportedUnits } };
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

/** The last boundary that is closed and past the grace period. */
export function lastReportableBoundary(nowMs: number, graceSeconds: number): number {
  return Math.floor((nowMs - graceSeconds * 1000) / HOUR_MS) * HOUR_MS;
}
