// What a rule matches at an instant: the one definition the dry run and the executor share, so the
// dry run shows exactly what a run evaluated at the same instant deletes.
import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { DeleteAction } from './lifecycle-input.js';

export interface DeleteCriteria {
  action: DeleteAction;
  days: number;
  folderId: string | null;
  tag: string | null;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export const candidateFileRow = z.object({
  id: z.string(),
  name: z.string(),
  folder_path: z.string().nullable(),
  size_bytes: z.number(),
  created_at: z.number(),
  last_downloaded_at: z.number().nullable(),
});
export type CandidateFile = z.infer<typeof candidateFileRow>;

export const candidateUploadRow = z.object({ id: z.string(), name: z.string(), size_bytes: z.number(), created_at: z.number() });
export type CandidateUpload = z.infer<typeof candidateUploadRow>;

const totalsRow = z.object({ count: z.number(), bytes: z.string() });

/**
 * Conditions on `files f` of the account: stored, older (or not downloaded for longer) than the
 * rule's days at `evaluatedAt`, in the folder's live subtree and carrying the tag when it names them.
 * A rule whose folder was deleted matches nothing.
 */
function fileConditions(accountId: string, criteria: DeleteCriteria, evaluatedAt: Date): FragmentSqlToken {
  const cutoff = sql.timestamp(new Date(evaluatedAt.getTime() - criteria.days * DAY_MS));
  const conditions = [
    sql.fragment`f.account_id = ${accountId}`,
    sql.fragment`f.status = 'stored'`,
    // Implied by either action (a download comes after the store); lets the walk use files_by_created.
    sql.fragment`f.created_at < ${cutoff}`,
  ];
  // Never downloaded: judged from when it was stored.
  if (criteria.action === 'delete_not_downloaded') conditions.push(sql.fragment`coalesce(f.last_downloaded_at, f.created_at) < ${cutoff}`);
  if (criteria.folderId !== null) {
    conditions.push(sql.fragment`f.folder_id in (
      select x.id from folders d join folders x on x.account_id = d.account_id and x.deleted_at is null
        and (x.id = d.id or (x.path collate "C" >= d.path || '/' and x.path collate "C" < d.path || '0'))
      where d.id = ${criteria.folderId} and d.account_id = ${accountId} and d.deleted_at is null)`);
  }
  if (criteria.tag !== null) conditions.push(sql.fragment`f.tags @> ${sql.array([criteria.tag], 'text')}`);
  return sql.fragment`${sql.join(conditions, sql.fragment` and `)}`;
}

const fileColumns = sql.fragment`f.id, f.name, (select p.path from folders p where p.id = f.folder_id) as folder_path, f.size_bytes,
  f.created_at, f.last_downloaded_at`;

export const lifecycleMatching = {
  /**
   * Matching files, oldest first (the dry run's list, and the executor's walk: a range of the
   * files_by_created index), after `after`; or only those among `ids`. With `lock`, the rows are
   * locked and a change still being committed (a retag, a download: neither takes the account
   * lock) is waited for and judged by the conditions again.
   */
  files: (
    db: CommonQueryMethods,
    accountId: string,
    criteria: DeleteCriteria,
    evaluatedAt: Date,
    page: { limit: number; after?: { createdAt: number; id: string }; ids?: readonly string[]; lock?: boolean },
  ) =>
    db.any(sql.type(candidateFileRow)`
      select ${fileColumns} from files f where ${fileConditions(accountId, criteria, evaluatedAt)}
      ${page.after === undefined ? sql.fragment`` : sql.fragment`and (f.created_at, f.id) > (${sql.timestamp(new Date(page.after.createdAt))}, ${page.after.id})`}
      ${page.ids === undefined ? sql.fragment`` : sql.fragment`and f.id = any(${sql.array([...page.ids], 'uuid')})`}
      order by f.created_at, f.id limit ${page.limit}
      ${page.lock ? sql.fragment`for update of f` : sql.fragment``}`),

  async fileTotals(db: CommonQueryMethods, accountId: string, criteria: DeleteCriteria, evaluatedAt: Date): Promise<{ count: number; bytes: bigint }> {
    const row = await db.one(sql.type(totalsRow)`
      select count(*)::int as count, coalesce(sum(f.size_bytes), 0)::text as bytes from files f
      where ${fileConditions(accountId, criteria, evaluatedAt)}`);
    return { count: row.count, bytes: BigInt(row.bytes) };
  },

  /** The account's unfinished uploads started more than `hours` before `evaluatedAt`, oldest first. */
  uploads: (db: CommonQueryMethods, accountId: string, hours: number, evaluatedAt: Date, limit: number) =>
    db.any(sql.type(candidateUploadRow)`
      select id, name, size_bytes, created_at from uploads
      where account_id = ${accountId} and status = 'pending' and created_at < ${sql.timestamp(new Date(evaluatedAt.getTime() - hours * HOUR_MS))}
      order by created_at, id limit ${limit}`),

  async uploadTotals(db: CommonQueryMethods, accountId: string, hours: number, evaluatedAt: Date): Promise<{ count: number; bytes: bigint }> {
    const row = await db.one(sql.type(totalsRow)`
      select count(*)::int as count, coalesce(sum(size_bytes), 0)::text as bytes from uploads
      where account_id = ${accountId} and status = 'pending' and created_at < ${sql.timestamp(new Date(evaluatedAt.getTime() - hours * HOUR_MS))}`);
    return { count: row.count, bytes: BigInt(row.bytes) };
  },
};
