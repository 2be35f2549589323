// Periodic work of the accounts feature, started by the composition root beside the file jobs.
import type { PeriodicJob } from '#src/files/background-jobs.js';
import { runAccountDeletions, type DeletionJobDeps } from './deletion-job.js';

export function accountJobs(deps: DeletionJobDeps): PeriodicJob[] {
  return [
    { name: 'account deletion', intervalSeconds: deps.config.ACCOUNT_DELETION_INTERVAL_SECONDS, run: () => runAccountDeletions(deps) },
  ];
}
