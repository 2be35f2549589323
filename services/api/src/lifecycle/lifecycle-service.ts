// Lifecycle rules as the API offers them; every read and change is scoped to the calling account.
import type { DatabasePool } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { estimateMonthlyCost, utcMonth, type UsagePrice } from '@baketsu/billing-core';
import type { Clock } from '@baketsu/platform/clock';
import { decodeShareCursor as decodeCursor, encodeShareCursor as encodeCursor } from '#src/shares/share-cursor.js';
import { lockAccount } from '#src/folders/account-lock.js';
import { liveFolder } from '#src/folders/folder-tree.js';
import { MAX_RULES_PER_ACCOUNT, lifecycleErrors } from './lifecycle-errors.js';
import { ruleSpecOf, type RuleBody, type RuleSpec } from './lifecycle-input.js';
import { fileCandidateJson, ruleJson, runJson, uploadCandidateJson } from './lifecycle-json.js';
import { lifecycleMatching } from './lifecycle-matching.js';
import { lifecycleRepository, type RuleRow } from './lifecycle-repository.js';
import { savingsThisMonth } from './lifecycle-savings.js';

export interface LifecycleServiceDeps {
  pool: DatabasePool;
  clock: Clock;
  price: UsagePrice;
}

const DRY_RUN_ITEMS = 50;

interface Page {
  limit?: number;
  cursor?: string;
}

async function withRunsAndSavings(deps: LifecycleServiceDeps, accountId: string, rows: readonly RuleRow[]) {
  const ids = rows.map((row) => row.id);
  const [lastRuns, savings] = await Promise.all([
    lifecycleRepository.lastRuns(deps.pool, ids),
    savingsThisMonth(deps.pool, accountId, ids, deps.clock.now().getTime(), deps.price),
  ]);
  return rows.map((row) => ruleJson(row, lastRuns.get(row.id), savings.get(row.id)!));
}

async function existingRule(deps: LifecycleServiceDeps, accountId: string, id: string): Promise<RuleRow> {
  const row = await lifecycleRepository.findRule(deps.pool, accountId, id);
  if (!row) throw lifecycleErrors.lifecycleRuleNotFound(id);
  return row;
}

export async function getRule(deps: LifecycleServiceDeps, accountId: string, id: string) {
  const [rule] = await withRunsAndSavings(deps, accountId, [await existingRule(deps, accountId, id)]);
  return rule!;
}

export async function listRules(deps: LifecycleServiceDeps, accountId: string, page: Page) {
  const limit = page.limit ?? 50;
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const rows = await lifecycleRepository.listRules(deps.pool, accountId, limit + 1, after && { at: after.createdAt, id: after.id });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: await withRunsAndSavings(deps, accountId, items),
    ...(rows.length > limit && last ? { next_cursor: encodeCursor({ createdAt: last.created_at, id: last.id }) } : {}),
  };
}

export async function createRule(deps: LifecycleServiceDeps, accountId: string, body: RuleBody) {
  const spec = ruleSpecOf(body);
  const id = uuidv7();
  await deps.pool.transaction(async (tx) => {
    // Counting and inserting one at a time per account, so concurrent creates cannot pass the limit.
    await lockAccount(tx, accountId);
    if ((await lifecycleRepository.countRules(tx, accountId)) >= MAX_RULES_PER_ACCOUNT) throw lifecycleErrors.tooManyLifecycleRules(MAX_RULES_PER_ACCOUNT);
    if (spec.criteria.action === 'abort_uploads' && (await lifecycleRepository.hasAbortRule(tx, accountId))) throw lifecycleErrors.lifecycleRuleConflict();
    if (spec.criteria.action !== 'abort_uploads') await liveFolder(tx, accountId, spec.criteria.folderId);
    await lifecycleRepository.insertRule(tx, { id, accountId, spec, at: deps.clock.now() });
  });
  return getRule(deps, accountId, id);
}

export async function updateRule(deps: LifecycleServiceDeps, accountId: string, id: string, change: { name?: string; enabled?: boolean }) {
  const name = change.name?.normalize('NFC');
  const updated = await lifecycleRepository.updateRule(
    deps.pool,
    accountId,
    id,
    { ...(name === undefined ? {} : { name }), ...(change.enabled === undefined ? {} : { enabled: change.enabled }) },
    deps.clock.now(),
  );
  if (!updated) throw lifecycleErrors.lifecycleRuleNotFound(id);
  return getRule(deps, accountId, id);
}

export async function deleteRule(deps: LifecycleServiceDeps, accountId: string, id: string): Promise<void> {
  if (!(await lifecycleRepository.deleteRule(deps.pool, accountId, id))) throw lifecycleErrors.lifecycleRuleNotFound(id);
}

export async function listRuns(deps: LifecycleServiceDeps, accountId: string, ruleId: string, page: Page) {
  await existingRule(deps, accountId, ruleId);
  const limit = page.limit ?? 50;
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const rows = await lifecycleRepository.listRuns(deps.pool, accountId, ruleId, limit + 1, after && { at: after.createdAt, id: after.id });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(runJson),
    ...(rows.length > limit && last ? { next_cursor: encodeCursor({ createdAt: last.started_at, id: last.id }) } : {}),
  };
}

export async function listDeletions(deps: LifecycleServiceDeps, accountId: string, ruleId: string, page: Page & { runId?: string }) {
  await existingRule(deps, accountId, ruleId);
  const limit = page.limit ?? 50;
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const rows = await lifecycleRepository.listDeletions(deps.pool, accountId, ruleId, {
    limit: limit + 1,
    ...(page.runId === undefined ? {} : { runId: page.runId }),
    ...(after ? { after: { at: after.createdAt, id: after.id } } : {}),
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({ file_id: row.file_id, run_id: row.run_id, name: row.name, size: row.size_bytes, deleted_at: new Date(row.deleted_at).toISOString() })),
    ...(rows.length > limit && last ? { next_cursor: encodeCursor({ createdAt: last.deleted_at, id: last.file_id }) } : {}),
  };
}

/** What a run of `body` evaluated now would delete, and what that saves. */
export async function dryRun(deps: LifecycleServiceDeps, accountId: string, body: RuleBody) {
  const spec: RuleSpec = ruleSpecOf(body);
  const { criteria } = spec;
  const evaluatedAt = deps.clock.now();
  const now = evaluatedAt.getTime();
  const money = (byteMs: bigint, heldBytes: bigint) => estimateMonthlyCost({ byteMsMonthToDate: byteMs, storedBytes: heldBytes, now, price: deps.price });
  if (criteria.action === 'abort_uploads') {
    const [totals, items] = await Promise.all([
      lifecycleMatching.uploadTotals(deps.pool, accountId, criteria.hours, evaluatedAt),
      lifecycleMatching.uploads(deps.pool, accountId, criteria.hours, evaluatedAt, DRY_RUN_ITEMS),
    ]);
    // Unfinished uploads are never billed: aborting them saves no money, only reserved quota.
    const nothing = money(0n, 0n);
    return { evaluated_at: evaluatedAt.toISOString(), count: totals.count, bytes: Number(totals.bytes), monthly_cost_saved: nothing, saved_this_month: nothing, items: items.map(uploadCandidateJson) };
  }
  await liveFolder(deps.pool, accountId, criteria.folderId);
  const [totals, items] = await Promise.all([
    lifecycleMatching.fileTotals(deps.pool, accountId, criteria, evaluatedAt),
    lifecycleMatching.files(deps.pool, accountId, criteria, evaluatedAt, { limit: DRY_RUN_ITEMS }),
  ]);
  const month = utcMonth(now);
  return {
    evaluated_at: evaluatedAt.toISOString(),
    count: totals.count,
    bytes: Number(totals.bytes),
    // A whole month of these bytes, and what they would accrue from now to this month's end.
    monthly_cost_saved: money(totals.bytes * BigInt(month.lengthMs), 0n),
    saved_this_month: money(0n, totals.bytes),
    items: items.map(fileCandidateJson),
  };
}
