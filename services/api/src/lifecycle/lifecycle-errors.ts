// The lifecycle rules' part of the problem catalogue (platform/errors.ts holds the rest). Kept in the
// feature while other features grow the main catalogue in parallel.
import type { FieldError } from '#src/platform/errors.js';
import { Problem } from '#src/platform/problem.js';

export const MAX_RULES_PER_ACCOUNT = 50;

export const lifecycleErrors = {
  lifecycleRuleNotFound: (id: string) =>
    new Problem({ status: 404, code: 'lifecycle_rule_not_found', title: 'No such lifecycle rule', detail: `There is no lifecycle rule ${id}.` }),
  invalidLifecycleRule: (fieldErrors: FieldError[]) =>
    new Problem({
      status: 422,
      code: 'invalid_lifecycle_rule',
      title: 'The rule does not fit its action',
      detail: fieldErrors.map((error) => `${error.path.replace('/body/', '')} ${error.message}`).join('; '),
      extensions: { errors: fieldErrors },
    }),
  lifecycleRuleConflict: () =>
    new Problem({
      status: 409,
      code: 'lifecycle_rule_conflict',
      title: 'The account already has an abort_uploads rule',
      detail: 'An account has at most one rule for unfinished uploads: change or delete the one it has.',
    }),
  tooManyLifecycleRules: (max: number) =>
    new Problem({
      status: 422,
      code: 'too_many_lifecycle_rules',
      title: 'Too many lifecycle rules',
      detail: `An account may have at most ${max} rules; delete one first.`,
    }),
} as const;
