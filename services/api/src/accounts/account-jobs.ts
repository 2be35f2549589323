// Periodic work of the accounts feature (deletion, usage alerts), started by the composition root
// beside the file jobs.
import type { PeriodicJob } from '#src/files/background-jobs.js';
import { evaluateUsageAlerts } from '#src/usage/usage-alert-evaluator.js';
import type { UsageAlertMailer } from '#src/usage/usage-alert-mail.js';
import { runAccountDeletions, type DeletionJobDeps } from './deletion-job.js';

export function accountJobs(deps: DeletionJobDeps & { usageAlertMailer: UsageAlertMailer }): PeriodicJob[] {
  return [
    { name: 'account deletion', intervalSeconds: deps.config.ACCOUNT_DELETION_INTERVAL_SECONDS, run: () => runAccountDeletions(deps) },
    {
      name: 'usage alerts',
      intervalSeconds: deps.config.USAGE_ALERT_INTERVAL_SECONDS,
      run: () => evaluateUsageAlerts({ ...deps, mailer: deps.usageAlertMailer }),
    },
  ];
}
