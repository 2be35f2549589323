// The background job that carries out lifecycle rules. Each tick schedules the runs that are due and
// works through every open run it can claim. A delete run walks, oldest first, the files its rule
// matched at the run's evaluation instant and deletes each through the normal path
// (files/file-deletion.ts) in its own transaction, with its file.deleted event and its
// lifecycle_deletions row: billing stops at that file's own deletion instant, and a crash loses at
// most the file in flight, which the next executor finds still stored and deletes. Nothing but the
// files' state is needed to resume.
import type { PeriodicJob } from '#src/files/background-jobs.js';
import { removeDeletedObjects, stopBilling } from '#src/files/file-deletion.js';
import type { FilesDeps } from '#src/files/files-deps.js';
import { expireUpload } from '#src/files/reconciliation.js';
import { uploadRepository } from '#src/files/upload-repository.js';
import { lockAccount } from '#src/folders/account-lock.js';
import { lifecycleMatching, type DeleteCriteria } from './lifecycle-matching.js';
import { criteriaOf, lifecycleRepository, type RunRow } from './lifecycle-repository.js';
import { lifecycleRuns } from './lifecycle-runs.js';

export type LifecycleDeps = FilesDeps;

export interface LifecycleReport {
  runs: number;
  deletedFiles: number;
  abortedUploads: number;
}

export interface ExecutorOptions {
  /** Told of each file right after its deletion committed (the crash test's child process prints it). */
  onDeleted?: (fileId: string) => void;
}

const PAGE = 200;

/** Ticks at most a minute apart, so a rule runs close to its interval and a dead executor's run is taken over soon after its lease. */
const TICK_SECONDS = 60;

export function lifecycleJobs(deps: LifecycleDeps): PeriodicJob[] {
  const every = deps.config.LIFECYCLE_INTERVAL_SECONDS;
  return [{ name: 'lifecycle rules', intervalSeconds: every === 0 ? 0 : Math.min(every, TICK_SECONDS), run: () => runLifecycle(deps) }];
}

/** Schedules what is due, then executes open runs until none is left to claim. */
export async function runLifecycle(deps: LifecycleDeps, options: ExecutorOptions = {}): Promise<LifecycleReport> {
  const report: LifecycleReport = { runs: 0, deletedFiles: 0, abortedUploads: 0 };
  await lifecycleRuns.schedule(deps.pool, deps.clock.now(), deps.config.LIFECYCLE_INTERVAL_SECONDS * 1000);
  for (;;) {
    const now = deps.clock.now();
    const run = await lifecycleRuns.claim(deps.pool, now, leaseFrom(deps, now));
    if (!run) return report;
    await executeRun(deps, run, report, options);
    report.runs++;
  }
}

const leaseFrom = (deps: LifecycleDeps, now: Date) => new Date(now.getTime() + deps.config.LIFECYCLE_RUN_LEASE_SECONDS * 1000);

async function executeRun(deps: LifecycleDeps, run: RunRow, report: LifecycleReport, options: ExecutorOptions): Promise<void> {
  const rule = await lifecycleRepository.findRule(deps.pool, run.account_id, run.rule_id);
  if (!rule) return; // Deleted meanwhile: its runs went with it.
  const criteria = criteriaOf(rule);
  const evaluatedAt = new Date(run.evaluated_at);
  const before = { deletedFiles: report.deletedFiles, abortedUploads: report.abortedUploads };
  const completed =
    criteria.action === 'abort_uploads'
      ? await abortUploads(deps, run, criteria.hours, evaluatedAt, report)
      : await deleteFiles(deps, run, criteria, evaluatedAt, report, options);
  if (completed) await lifecycleRuns.finish(deps.pool, run.id, deps.clock.now());
  deps.logger.info(
    {
      ruleId: run.rule_id,
      runId: run.id,
      accountId: run.account_id,
      deletedFiles: report.deletedFiles - before.deletedFiles,
      abortedUploads: report.abortedUploads - before.abortedUploads,
    },
    completed ? 'lifecycle run finished' : 'lifecycle run stopped (rule disabled or deleted)',
  );
}

/** False when the run stopped early (its rule was disabled or deleted). */
async function deleteFiles(
  deps: LifecycleDeps,
  run: RunRow,
  criteria: DeleteCriteria,
  evaluatedAt: Date,
  report: LifecycleReport,
  options: ExecutorOptions,
): Promise<boolean> {
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const page = await lifecycleMatching.files(deps.pool, run.account_id, criteria, evaluatedAt, { limit: PAGE, ...(after ? { after } : {}) });
    for (const candidate of page) {
      const outcome = await deleteOne(deps, run, criteria, evaluatedAt, candidate.id);
      if (outcome === 'stop') return false;
      if (outcome === 'deleted') {
        report.deletedFiles++;
        options.onDeleted?.(candidate.id);
      }
    }
    const last = page.at(-1);
    if (page.length < PAGE || !last) return true;
    after = { createdAt: last.created_at, id: last.id };
  }
}

async function deleteOne(deps: LifecycleDeps, run: RunRow, criteria: DeleteCriteria, evaluatedAt: Date, fileId: string): Promise<'deleted' | 'skipped' | 'stop'> {
  const deletedAt = deps.clock.now();
  const result = await deps.pool.transaction(async (tx) => {
    // The account's turn first (as every deletion takes it), then the run: one lock order.
    await lockAccount(tx, run.account_id);
    if ((await lifecycleRuns.step(tx, run.id, deletedAt)) !== 'go') return 'stop' as const;
    // Still matching now that nothing can move or rename it (the account lock), nor retag or note a
    // download of it (the row lock, which waits for such a change in flight and checks it again).
    const [still] = await lifecycleMatching.files(tx, run.account_id, criteria, evaluatedAt, { limit: 1, ids: [fileId], lock: true });
    if (!still) return 'skipped' as const;
    const marked = await stopBilling(tx, run.account_id, [fileId], deletedAt);
    const row = marked[0];
    if (!row) return 'skipped' as const;
    await lifecycleRuns.recordDeletion(tx, run, row, deletedAt, leaseFrom(deps, deletedAt));
    return row;
  });
  if (typeof result === 'string') return result;
  await removeDeletedObjects(deps, [result]);
  return 'deleted';
}

async function abortUploads(deps: LifecycleDeps, run: RunRow, hours: number, evaluatedAt: Date, report: LifecycleReport): Promise<boolean> {
  const before = new Date(evaluatedAt.getTime() - hours * 3_600_000);
  for (;;) {
    const stale = await uploadRepository.pendingOfBefore(deps.pool, run.account_id, before, PAGE);
    for (const upload of stale) {
      const step = await deps.pool.transaction((tx) => lifecycleRuns.step(tx, run.id, deps.clock.now()));
      if (step !== 'go') return false;
      // Adopted or removed uploads end too, as with the default expiry; only aborts are counted.
      if ((await expireUpload(deps, upload)) === 'aborted') {
        await lifecycleRuns.recordAbort(deps.pool, run.id, leaseFrom(deps, deps.clock.now()));
        report.abortedUploads++;
      }
    }
    if (stale.length < PAGE) return true;
  }
}
