// When a failed delivery is tried again. Exponential from 5 seconds, capped at 8 hours, so the 12
// attempts of a delivery span more than 39 hours (the issue asks for at least 24), then it is
// marked failed. Jitter only ever lengthens a wait (by up to a fifth), so the span is never shorter,
// while endpoints that failed together are not all retried in the same instant.
const BASE_MS = 5_000;
const CAP_MS = 8 * 3_600_000;

/** Attempts a delivery gets before it is marked failed (replay starts it again). */
export const MAX_ATTEMPTS = 12;

/** The wait after the `attempt`-th attempt failed (1-based); `random` in [0, 1). */
export function retryDelayMs(attempt: number, random: number = Math.random()): number {
  const base = Math.min(CAP_MS, BASE_MS * 4 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.2 * random));
}
