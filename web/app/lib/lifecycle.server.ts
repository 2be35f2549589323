// Lifecycle rules as the dashboard's page needs them, through the SDK: the form → a rule body (a
// folder given by its path), and what the page shows of each rule.
import { NotFoundError, type Baketsu, type LifecycleAction, type LifecycleRuleCreateParams } from '@baketsu/sdk';
import { z } from 'zod';
import type { FormErrors } from './problems.server.js';

const ACTIONS = ['delete_older_than', 'delete_not_downloaded', 'abort_uploads'] as const satisfies readonly LifecycleAction[];

// The contract's Tag pattern and the rule limits (openapi.yaml), checked here so the form says them
// in words rather than passing on the validator's regular expression.
const TAG = /^ *[\p{L}\p{N}][\p{L}\p{M}\p{N} _.:+-]*$/u;
const MAX_DAYS = 3650;
const MAX_HOURS = 720;

const ruleForm = z.object({
  name: z.string().trim().min(1, 'Give the rule a name').max(100, 'At most 100 characters'),
  action: z.enum(ACTIONS, { errorMap: () => ({ message: 'Choose what the rule does' }) }),
  amount: z.coerce.number({ invalid_type_error: 'Enter a whole number' }).int('Enter a whole number').min(1, 'At least 1'),
  folder: z.string().trim().transform((value) => value.replace(/^\/+|\/+$/g, '')),
  tag: z
    .string()
    .trim()
    .max(64, 'At most 64 characters')
    .refine((tag) => tag === '' || TAG.test(tag), 'A tag starts with a letter or digit and holds only letters, digits, spaces and _ . : + -'),
});

/**
 * The New rule form → the API's rule body. A folder is typed as its path and looked up here; one
 * that does not exist is that field's error, as a bad number is.
 */
export async function ruleFromForm(api: Baketsu, form: FormData): Promise<{ params: LifecycleRuleCreateParams } | { errors: FormErrors }> {
  const parsed = ruleForm.safeParse({
    name: form.get('name') ?? '',
    action: form.get('action') ?? '',
    amount: form.get('amount') || undefined,
    folder: form.get('folder') ?? '',
    tag: form.get('tag') ?? '',
  });
  if (!parsed.success) return { errors: { fields: Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message])) } };
  const { name, action, amount, folder, tag } = parsed.data;
  const [max, unit] = action === 'abort_uploads' ? [MAX_HOURS, 'hours'] : [MAX_DAYS, 'days'];
  if (amount > max) return { errors: { fields: { amount: `At most ${max} ${unit}` } } };
  if (action === 'abort_uploads') return { params: { name, action, hours: amount } };
  let folderId: string | undefined;
  if (folder) {
    try {
      folderId = (await api.folders.getByPath(folder)).id;
    } catch (error) {
      if (error instanceof NotFoundError) return { errors: { fields: { folder: `There is no folder “${folder}”` } } };
      throw error;
    }
  }
  return { params: { name, action, days: amount, ...(folderId ? { folder_id: folderId } : {}), ...(tag ? { tag } : {}) } };
}

/** What a rule does, in a sentence: "Deletes files older than 30 days in reports, tagged tmp". */
export function describeRule(rule: { action: LifecycleAction; days: number | null; hours: number | null; folder_path: string | null; folder_id: string | null; tag: string | null }): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (rule.action === 'abort_uploads') return `Aborts unfinished uploads after ${plural(rule.hours ?? 0, 'hour')}`;
  const what = rule.action === 'delete_older_than' ? `Deletes files older than ${plural(rule.days ?? 0, 'day')}` : `Deletes files not downloaded for ${plural(rule.days ?? 0, 'day')}`;
  const where = rule.folder_id === null ? '' : rule.folder_path === null ? ' in a deleted folder (matches nothing)' : ` in ${rule.folder_path}`;
  return `${what}${where}${rule.tag ? `, tagged ${rule.tag}` : ''}`;
}
