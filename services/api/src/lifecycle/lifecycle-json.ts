import type { CandidateFile, CandidateUpload } from './lifecycle-matching.js';
import type { RuleRow, RunRow } from './lifecycle-repository.js';
import type { RuleSavings } from './lifecycle-savings.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function runJson(row: RunRow) {
  return {
    id: row.id,
    status: row.status,
    evaluated_at: iso(row.evaluated_at),
    started_at: iso(row.started_at),
    finished_at: isoOrNull(row.finished_at),
    deleted_files: row.deleted_files,
    deleted_bytes: row.deleted_bytes,
    aborted_uploads: row.aborted_uploads,
  };
}

export function ruleJson(row: RuleRow, lastRun: RunRow | undefined, savings: RuleSavings) {
  return {
    id: row.id,
    name: row.name,
    action: row.action,
    days: row.days,
    hours: row.hours,
    folder_id: row.folder_id,
    folder_path: row.folder_path,
    tag: row.tag,
    enabled: row.enabled,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    last_run: lastRun ? runJson(lastRun) : null,
    this_month: savings,
  };
}

export const fileCandidateJson = (row: CandidateFile) => ({
  kind: 'file' as const,
  id: row.id,
  path: row.folder_path === null ? row.name : `${row.folder_path}/${row.name}`,
  size: row.size_bytes,
  created_at: iso(row.created_at),
  last_downloaded_at: isoOrNull(row.last_downloaded_at),
});

export const uploadCandidateJson = (row: CandidateUpload) => ({
  kind: 'upload' as const,
  id: row.id,
  path: row.name,
  size: row.size_bytes,
  created_at: iso(row.created_at),
  last_downloaded_at: null,
});
