import { sql, type CommonQueryMethods } from 'slonik';

/**
 * Every change to where an account's files and folders are (a file stored, moved, deleted; a folder
 * created, moved, deleted) runs after this, one at a time per account, so the rules that span rows
 * and tables hold without races: a file and a folder never share a name, a folder never moves into
 * itself, nothing lands in a folder being deleted. It is the lock storing or deleting a file already
 * took (their `stored_bytes` update), taken first instead of last: uploads of one account were
 * already serialised at that row, and a single lock order (account, then files, then folders)
 * leaves no room for deadlocks. Other accounts never wait.
 */
export async function lockAccount(tx: CommonQueryMethods, accountId: string): Promise<void> {
  await tx.query(sql.unsafe`select 1 from accounts where id = ${accountId} for no key update`);
}
