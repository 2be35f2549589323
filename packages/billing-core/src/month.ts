// The billing month: a UTC calendar month, [first millisecond, first millisecond of the next).

export interface UtcMonth {
  startMs: number;
  endMs: number;
  /** 28 to 31 days in ms: the length a GiB-month of this month is priced over. */
  lengthMs: number;
}

/** The UTC calendar month containing `at` (epoch ms or a Date). */
export function utcMonth(at: number | Date): UtcMonth {
  const date = new Date(at);
  return utcMonthOf(date.getUTCFullYear(), date.getUTCMonth());
}

/** The UTC month `monthIndex` (0-11, overflow rolls the year) of `year`. */
export function utcMonthOf(year: number, monthIndex: number): UtcMonth {
  const startMs = utcMonthStart(year, monthIndex);
  const endMs = utcMonthStart(year, monthIndex + 1);
  return { startMs, endMs, lengthMs: endMs - startMs };
}

/** Epoch ms at the start of a UTC month. Not `Date.UTC`, which reads years 0-99 as 1900-1999. */
function utcMonthStart(year: number, monthIndex: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, 1);
  return date.getTime();
}
