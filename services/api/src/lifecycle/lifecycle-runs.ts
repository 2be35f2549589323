// Runs: scheduling one per enabled rule and interval, and handing each to one executor at a time.
// Ownership is a lease on the run row (claimed_until), taken with SKIP LOCKED and extended by every
// deletion; an executor that dies holding one leaves it to be taken over when it passes. Two
// executors on one run (a lease lost to a long pause) still delete each file at most once: a file
// leaves the stored state, and gets its one lifecycle_deletions row, in one transaction.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { runRow, type RunRow } from './lifecycle-repository.js';

const runColumns = sql.fragment`id, rule_id, account_id, evaluated_at, status, started_at, finished_at, deleted_files, deleted_bytes, aborted_uploads`;

export const lifecycleRuns = {
  /**
   * A run for every enabled rule with none open that was not scheduled within `everyMs`, evaluated
   * at `now`. Marking the rule and inserting the run is one statement, so two instances scheduling
   * at once make one run.
   */
  async schedule(db: CommonQueryMethods, now: Date, everyMs: number): Promise<number> {
    const at = sql.timestamp(now);
    const scheduled = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      with due as (
        update lifecycle_rules r set last_scheduled_at = ${at}
        where r.enabled
          and (r.last_scheduled_at is null or r.last_scheduled_at <= ${sql.timestamp(new Date(now.getTime() - everyMs))})
          and not exists (select 1 from lifecycle_runs x where x.rule_id = r.id and x.status = 'running')
        returning r.id, r.account_id
      )
      insert into lifecycle_runs (id, rule_id, account_id, evaluated_at, started_at)
      select gen_random_uuid(), due.id, due.account_id, ${at}, ${at} from due
      on conflict (rule_id) where status = 'running' do nothing
      returning id`);
    return scheduled.length;
  },

  /** The oldest open run nobody holds (or whose holder's lease passed), now held until `until`. */
  claim: (db: CommonQueryMethods, now: Date, until: Date) =>
    db.maybeOne(sql.type(runRow)`
      update lifecycle_runs set claimed_until = ${sql.timestamp(until)}
      where id = (
        select id from lifecycle_runs
        where status = 'running' and (claimed_until is null or claimed_until <= ${sql.timestamp(now)})
        order by started_at, id for update skip locked limit 1)
      returning ${runColumns}`),

  /**
   * Locks the run for one step and says whether to go on: 'go', 'stop' (the run ended or its rule
   * went), or 'cancelled' (its rule was disabled: the run is closed here).
   */
  async step(tx: CommonQueryMethods, runId: string, now: Date): Promise<'go' | 'stop' | 'cancelled'> {
    const row = await tx.maybeOne(sql.type(z.object({ status: z.string(), enabled: z.boolean() }))`
      select x.status, r.enabled from lifecycle_runs x join lifecycle_rules r on r.id = x.rule_id
      where x.id = ${runId} for update of x`);
    if (!row || row.status !== 'running') return 'stop';
    if (row.enabled) return 'go';
    await tx.query(sql.unsafe`update lifecycle_runs set status = 'cancelled', finished_at = ${sql.timestamp(now)} where id = ${runId}`);
    return 'cancelled';
  },

  /** Records one deleted file against the run (in the deletion's transaction) and extends the lease. */
  async recordDeletion(tx: CommonQueryMethods, run: RunRow, file: { id: string; size_bytes: number }, deletedAt: Date, leaseUntil: Date): Promise<void> {
    await tx.query(sql.unsafe`
      with recorded as (
        insert into lifecycle_deletions (file_id, run_id, rule_id, account_id, size_bytes, deleted_at)
        values (${file.id}, ${run.id}, ${run.rule_id}, ${run.account_id}, ${file.size_bytes}, ${sql.timestamp(deletedAt)})
      )
      update lifecycle_runs set deleted_files = deleted_files + 1, deleted_bytes = deleted_bytes + ${file.size_bytes},
        claimed_until = ${sql.timestamp(leaseUntil)}
      where id = ${run.id}`);
  },

  async recordAbort(db: CommonQueryMethods, runId: string, leaseUntil: Date): Promise<void> {
    await db.query(sql.unsafe`
      update lifecycle_runs set aborted_uploads = aborted_uploads + 1, claimed_until = ${sql.timestamp(leaseUntil)} where id = ${runId}`);
  },

  async finish(db: CommonQueryMethods, runId: string, now: Date): Promise<void> {
    await db.query(sql.unsafe`
      update lifecycle_runs set status = 'finished', finished_at = ${sql.timestamp(now)}, claimed_until = null
      where id = ${runId} and status = 'running'`);
  },
};
