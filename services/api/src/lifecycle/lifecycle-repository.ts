// Rules, runs and what runs deleted. Every query a request reaches takes the account id.
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { RuleCriteria, RuleSpec } from './lifecycle-input.js';

export const ruleRow = z.object({
  id: z.string(),
  account_id: z.string(),
  name: z.string(),
  action: z.enum(['delete_older_than', 'delete_not_downloaded', 'abort_uploads']),
  days: z.number().nullable(),
  hours: z.number().nullable(),
  folder_id: z.string().nullable(),
  /** The folder's path while it is live; null without a folder or once it was deleted. */
  folder_path: z.string().nullable(),
  tag: z.string().nullable(),
  enabled: z.boolean(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type RuleRow = z.infer<typeof ruleRow>;

export const runRow = z.object({
  id: z.string(),
  rule_id: z.string(),
  account_id: z.string(),
  evaluated_at: z.number(),
  status: z.enum(['running', 'finished', 'cancelled']),
  started_at: z.number(),
  finished_at: z.number().nullable(),
  deleted_files: z.number(),
  deleted_bytes: z.number(),
  aborted_uploads: z.number(),
});
export type RunRow = z.infer<typeof runRow>;

const deletionRow = z.object({ file_id: z.string(), run_id: z.string(), name: z.string(), size_bytes: z.number(), deleted_at: z.number() });

const ruleColumns = sql.fragment`r.id, r.account_id, r.name, r.action, r.days, r.hours, r.folder_id,
  (select d.path from folders d where d.id = r.folder_id and d.deleted_at is null) as folder_path,
  r.tag, r.enabled, r.created_at, r.updated_at`;
const runColumns = sql.fragment`id, rule_id, account_id, evaluated_at, status, started_at, finished_at, deleted_files, deleted_bytes, aborted_uploads`;

/** A keyset position: the last row's instant (epoch ms) and id. */
export interface After {
  at: number;
  id: string;
}

/** The rule's criteria, as the row holds them. */
export function criteriaOf(row: Pick<RuleRow, 'action' | 'days' | 'hours' | 'folder_id' | 'tag'>): RuleCriteria {
  if (row.action === 'abort_uploads') return { action: row.action, hours: row.hours ?? 0 };
  return { action: row.action, days: row.days ?? 0, folderId: row.folder_id, tag: row.tag };
}

export const lifecycleRepository = {
  countRules: (db: CommonQueryMethods, accountId: string) =>
    db.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from lifecycle_rules where account_id = ${accountId}`),

  hasAbortRule: async (db: CommonQueryMethods, accountId: string) =>
    (await db.maybeOne(sql.unsafe`select 1 from lifecycle_rules where account_id = ${accountId} and action = 'abort_uploads'`)) !== null,

  async insertRule(db: CommonQueryMethods, rule: { id: string; accountId: string; spec: RuleSpec; at: Date }): Promise<void> {
    const { criteria } = rule.spec;
    const at = sql.timestamp(rule.at);
    const abort = criteria.action === 'abort_uploads';
    await db.query(sql.unsafe`
      insert into lifecycle_rules (id, account_id, name, action, days, hours, folder_id, tag, enabled, created_at, updated_at)
      values (${rule.id}, ${rule.accountId}, ${rule.spec.name}, ${criteria.action},
        ${abort ? null : criteria.days}, ${abort ? criteria.hours : null}, ${abort ? null : criteria.folderId}, ${abort ? null : criteria.tag},
        ${rule.spec.enabled}, ${at}, ${at})`);
  },

  findRule: (db: CommonQueryMethods, accountId: string, id: string) =>
    db.maybeOne(sql.type(ruleRow)`select ${ruleColumns} from lifecycle_rules r where r.id = ${id} and r.account_id = ${accountId}`),

  listRules: (db: CommonQueryMethods, accountId: string, limit: number, after?: After) =>
    db.any(sql.type(ruleRow)`
      select ${ruleColumns} from lifecycle_rules r where r.account_id = ${accountId}
      ${after ? sql.fragment`and (r.created_at, r.id) > (${sql.timestamp(new Date(after.at))}, ${after.id})` : sql.fragment``}
      order by r.created_at, r.id limit ${limit}`),

  async updateRule(db: CommonQueryMethods, accountId: string, id: string, change: { name?: string; enabled?: boolean }, at: Date): Promise<boolean> {
    const sets = [sql.fragment`updated_at = ${sql.timestamp(at)}`];
    if (change.name !== undefined) sets.push(sql.fragment`name = ${change.name}`);
    if (change.enabled !== undefined) sets.push(sql.fragment`enabled = ${change.enabled}`);
    const updated = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      update lifecycle_rules set ${sql.join(sets, sql.fragment`, `)} where id = ${id} and account_id = ${accountId} returning id`);
    return updated.length === 1;
  },

  async deleteRule(db: CommonQueryMethods, accountId: string, id: string): Promise<boolean> {
    const deleted = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
      delete from lifecycle_rules where id = ${id} and account_id = ${accountId} returning id`);
    return deleted.length === 1;
  },

  /** The latest run of each rule. */
  async lastRuns(db: CommonQueryMethods, ruleIds: readonly string[]): Promise<Map<string, RunRow>> {
    if (ruleIds.length === 0) return new Map();
    const rows = await db.any(sql.type(runRow)`
      select distinct on (rule_id) ${runColumns} from lifecycle_runs
      where rule_id = any(${sql.array([...ruleIds], 'uuid')}) order by rule_id, started_at desc, id desc`);
    return new Map(rows.map((row) => [row.rule_id, row]));
  },

  /** Newest first. */
  listRuns: (db: CommonQueryMethods, accountId: string, ruleId: string, limit: number, after?: After) =>
    db.any(sql.type(runRow)`
      select ${runColumns} from lifecycle_runs where rule_id = ${ruleId} and account_id = ${accountId}
      ${after ? sql.fragment`and (started_at, id) < (${sql.timestamp(new Date(after.at))}, ${after.id})` : sql.fragment``}
      order by started_at desc, id desc limit ${limit}`),

  /** Newest first; the name is the file's name when it was deleted. */
  listDeletions: (db: CommonQueryMethods, accountId: string, ruleId: string, options: { limit: number; runId?: string; after?: After }) =>
    db.any(sql.type(deletionRow)`
      select d.file_id, d.run_id, f.name, d.size_bytes, d.deleted_at
      from lifecycle_deletions d join files f on f.id = d.file_id
      where d.rule_id = ${ruleId} and d.account_id = ${accountId}
      ${options.runId === undefined ? sql.fragment`` : sql.fragment`and d.run_id = ${options.runId}`}
      ${options.after ? sql.fragment`and (d.deleted_at, d.file_id) < (${sql.timestamp(new Date(options.after.at))}, ${options.after.id})` : sql.fragment``}
      order by d.deleted_at desc, d.file_id desc limit ${options.limit}`),
};
