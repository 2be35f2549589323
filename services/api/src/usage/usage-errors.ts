// Live usage's part of the problem catalogue (platform/errors.ts holds the rest), kept in the
// feature while other features grow the main catalogue in parallel.
import { Problem } from '#src/platform/problem.js';

export const usageErrors = {
  /** The account already holds as many live usage streams as one account may. */
  tooManyStreams: (limit: number, retryAfterSeconds: number) =>
    new Problem({
      status: 429,
      code: 'too_many_streams',
      title: 'Too many live usage streams',
      detail: `An account may hold ${limit} usage streams at once; close one (a tab, a watcher) or try again later.`,
      extensions: { retry_after: retryAfterSeconds },
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
};
