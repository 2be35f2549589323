// Periodic work of the files feature, started by the composition root.
import type { Registry } from 'prom-client';
import { pruneIdempotencyKeys } from '#src/platform/idempotency.js';
import type { FilesDeps } from './files-deps.js';
import { sweepDeletions } from './file-deletion.js';
import { createIntegrityMetrics } from './integrity.js';
import { reconcile } from './reconciliation.js';

export interface PeriodicJob {
  name: string;
  intervalSeconds: number;
  run(): Promise<unknown>;
}

/** `registry`: where reconciliation's integrity metrics are exposed (the API's /metrics). */
export function fileJobs(deps: FilesDeps, registry?: Registry): PeriodicJob[] {
  const integrity = registry && createIntegrityMetrics(registry);
  return [
    { name: 'deletion sweep', intervalSeconds: deps.config.DELETE_SWEEP_INTERVAL_SECONDS, run: () => sweepDeletions(deps) },
    { name: 'storage reconciliation', intervalSeconds: deps.config.RECONCILE_INTERVAL_SECONDS, run: () => reconcile(deps, integrity) },
    // Hourly is plenty: expired keys are already ignored; this only keeps the table small.
    { name: 'idempotency key expiry', intervalSeconds: 3600, run: () => pruneIdempotencyKeys(deps) },
  ];
}

/** Runs each job every interval (never two runs of one job at once); `stop` waits for running ones. */
export function startPeriodic(jobs: readonly PeriodicJob[], logger: FilesDeps['logger']): { stop(): Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const timers = jobs
    .filter((job) => job.intervalSeconds > 0)
    .map((job) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        const run = job
          .run()
          .catch((error: unknown) => logger.error({ err: error, job: job.name }, 'periodic job failed'))
          .finally(() => {
            busy = false;
            running.delete(run);
          });
        running.add(run);
      }, job.intervalSeconds * 1000);
      timer.unref();
      return timer;
    });
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
}
