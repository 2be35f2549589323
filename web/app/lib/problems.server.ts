// API problems (RFC 9457) → what a form shows: a message per field and one for the whole form.
import { data } from '@remix-run/node';
import { BaketsuError } from '@baketsu/sdk';
import { problemDetail } from './problem-text.js';

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
  const detail = error.problem ? problemDetail(error.problem) : undefined;
  const byCode = error.code ? FIELD_BY_CODE[error.code] : undefined;
  if (byCode && !fields[byCode]) fields[byCode] = detail ?? title;
  const hasFields = Object.keys(fields).length > 0;
  if (error.code === 'rate_limited') return { fields, form: `${title}. ${detail ?? ''}`.trim() };
  return hasFields ? { fields } : { fields, form: detail ? `${title}: ${detail}` : title };
}

function sentence(message: string): string {
  const trimmed = message.trim();
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

/** What a page's error boundary shows when the address itself was refused. */
export interface PageProblem {
  message: string;
  code?: string;
}

/**
 * For loaders: the API refusing a value from the address bar (a stale or forged cursor, a folder
 * that is gone) becomes a 4xx page with the API's own words, never a 500. Anything else (5xx,
 * network, the sign-in redirect) passes through unchanged.
 */
export function pageProblemFrom(error: unknown): never {
  if (error instanceof BaketsuError && error.status !== undefined && error.status >= 400 && error.status < 500) {
    const title = error.problem?.title ?? error.message;
    const message = error.problem?.detail ? `${title}: ${error.problem.detail}` : title;
    const body: PageProblem = { message, ...(error.code ? { code: error.code } : {}) };
    throw data(body, { status: error.status === 401 || error.status === 403 ? 400 : error.status });
  }
  throw error;
}
