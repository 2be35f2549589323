// API problems (RFC 9457) → what a form shows: a message per field and one for the whole form.
import { BaketsuError } from '@baketsu/sdk';

export interface FormErrors {
  fields: Record<string, string>;
  form?: string;
}

const FIELD_BY_CODE: Record<string, string> = { email_taken: 'email', invalid_email: 'email', weak_password: 'password' };

/** Form errors for a 4xx problem; anything else (5xx, network) is rethrown to the ErrorBoundary. */
export function formErrorsFrom(error: unknown, fieldNames: Record<string, string> = {}): FormErrors {
  if (!(error instanceof BaketsuError) || error.status === undefined || error.status >= 500) throw error;
  const fields: Record<string, string> = {};
  for (const item of error.problem?.errors ?? []) {
    // `/body/email` → `email`; the API's own field names, or the form's when they differ.
    const apiField = item.path.split('/').filter(Boolean).slice(1).join('.') || item.path;
    const field = fieldNames[apiField] ?? apiField;
    fields[field] ??= sentence(item.message);
  }
  const title = error.problem?.title ?? error.message;
  const byCode = error.code ? FIELD_BY_CODE[error.code] : undefined;
  if (byCode && !fields[byCode]) fields[byCode] = error.problem?.detail ?? title;
  const hasFields = Object.keys(fields).length > 0;
  if (error.code === 'rate_limited') return { fields, form: `${title}. ${error.problem?.detail ?? ''}`.trim() };
  return hasFields ? { fields } : { fields, form: error.problem?.detail ? `${title}: ${error.problem.detail}` : title };
}

function sentence(message: string): string {
  const trimmed = message.trim();
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}
