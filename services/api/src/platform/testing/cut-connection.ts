// Cutting one request's database connection at an exact point, as a restart or failover would:
// the test holds a lock the request will wait on, waits until its backend is blocked on it, then
// terminates exactly that backend with pg_terminate_backend.
import type pg from 'pg';

/**
 * Runs `lock` in a transaction on `admin`, starts `send`, terminates the first other backend of
 * this database that waits on a lock (and whose current statement matches `statement`, when given),
 * releases the lock and returns what `send` settles to, with the terminated backend's pid and statement.
 */
export async function cutConnectionUnder<T>(
  admin: pg.Client,
  lock: string,
  send: () => Promise<T>,
  options: { statement?: RegExp } = {},
): Promise<{ result: T; pid: number; statement: string }> {
  await admin.query('begin');
  await admin.query(lock);
  try {
    const pending = send();
    // Settles no earlier than the loop below, but must not count as unhandled if it fails first.
    pending.catch(() => undefined);
    let cut: { pid: number; query: string } | undefined;
    const deadline = Date.now() + 20_000;
    while (cut === undefined) {
      if (Date.now() > deadline) throw new Error(`no backend waited on "${lock}" within 20 s`);
      // Statistics are a snapshot per transaction, and this one is held open by the lock.
      await admin.query('select pg_stat_clear_snapshot()');
      const { rows } = await admin.query<{ pid: number; query: string }>(
        `select pid, query from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
      cut = rows.find((row) => !options.statement || options.statement.test(row.query));
    }
    await admin.query('select pg_terminate_backend($1)', [cut.pid]);
    await admin.query('rollback');
    return { result: await pending, pid: cut.pid, statement: cut.query };
  } catch (error) {
    await admin.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Makes every transaction that inserts into `table` wait at COMMIT for advisory lock `key` (a
 * deferred constraint trigger runs at COMMIT), so a test holding that lock can cut the connection
 * while COMMIT is in flight. Returns the statement that removes the trigger again.
 */
export async function waitAtCommit(admin: pg.Client, table: string, key: number): Promise<() => Promise<void>> {
  const name = `wait_at_commit_${table.replace(/\W/g, '_')}`;
  await admin.query(`
    create or replace function ${name}() returns trigger language plpgsql as $$
    begin perform pg_advisory_xact_lock_shared(${key}); return null; end $$`);
  await admin.query(`create constraint trigger ${name} after insert on ${table} deferrable initially deferred for each row execute function ${name}()`);
  return async () => {
    await admin.query(`drop trigger if exists ${name} on ${table}`);
    await admin.query(`drop function if exists ${name}()`);
  };
}
