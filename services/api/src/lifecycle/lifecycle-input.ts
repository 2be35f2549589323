// A rule body as the contract shapes it (checked by the validator first), turned into what the rule
// does. The contract cannot say which fields each action takes without making every mistake an
// unreadable "must match exactly one schema"; that is checked here, with its own code.
import { validTags } from '#src/files/file-input.js';
import type { FieldError } from '#src/platform/errors.js';
import type { FieldCheck } from '#src/platform/field-problems.js';
import type { RequestBody } from '#src/platform/contract-types.js';
import { lifecycleErrors } from './lifecycle-errors.js';

export type RuleBody = RequestBody<'createLifecycleRule'>;

export type DeleteAction = 'delete_older_than' | 'delete_not_downloaded';

/** What a rule matches, whatever else it carries. */
export type RuleCriteria =
  | { action: DeleteAction; days: number; folderId: string | null; tag: string | null }
  | { action: 'abort_uploads'; hours: number };

export interface RuleSpec {
  name: string;
  enabled: boolean;
  criteria: RuleCriteria;
}

export function ruleSpecOf(body: RuleBody): RuleSpec {
  const problems: FieldError[] = [];
  const refuse = (field: string, message: string) => problems.push({ path: `/body/${field}`, message });
  let criteria: RuleCriteria | undefined;
  if (body.action === 'abort_uploads') {
    if (body.hours === undefined) refuse('hours', 'is required by abort_uploads');
    for (const field of ['days', 'folder_id', 'tag'] as const) {
      if (body[field] !== undefined) refuse(field, 'is not taken by abort_uploads (it applies to every unfinished upload)');
    }
    if (body.hours !== undefined) criteria = { action: 'abort_uploads', hours: body.hours };
  } else {
    if (body.days === undefined) refuse('days', `is required by ${body.action}`);
    if (body.hours !== undefined) refuse('hours', `is not taken by ${body.action} (use days)`);
    if (body.days !== undefined) {
      // The same normalisation a file's tags get, so a rule's tag compares equal to them.
      const tag = body.tag === undefined ? null : (validTags([body.tag], 1)[0] ?? null);
      criteria = { action: body.action, days: body.days, folderId: body.folder_id ?? null, tag };
    }
  }
  if (problems.length > 0 || criteria === undefined) throw lifecycleErrors.invalidLifecycleRule(problems);
  return { name: body.name.normalize('NFC'), enabled: body.enabled ?? true, criteria };
}

/**
 * A rule's tag refused by the contract's pattern answers `invalid_tags`, as a file's tags do
 * (platform/field-problems.ts), rather than the generic `validation_failed`.
 */
export const lifecycleFieldChecks: FieldCheck[] = [
  {
    method: 'POST',
    // Creating a rule, and its dry run.
    path: /^\/v1\/lifecycle-rules(\/dry-run)?$/,
    field: '/body/tag',
    check(value) {
      if (typeof value === 'string') validTags([value], 1);
    },
  },
];
