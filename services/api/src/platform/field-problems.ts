// openapi.yaml states each rule a field must meet, so the request validator refuses a weak password
// or a bad tag before any route runs, with the generic `validation_failed`. Some of those rules have
// always had a code of their own (`weak_password`, `invalid_tags`, ...) that clients and the
// dashboard act on. A field check gives that code back: the feature's own validation is run on the
// value the client sent, and its problem, in the feature's words, replaces the generic one.
import type { FieldError } from './errors.js';
import { Problem } from './problem.js';

export interface FieldCheck {
  method: string;
  /** The request path the field belongs to. */
  path: RegExp;
  /** The field as validation errors name it: `/body/password`, `/headers/idempotency-key`. */
  field: `/${'body' | 'headers' | 'query'}/${string}`;
  /** Throws the field's own problem when `value` breaks its rule; returns when it does not. */
  check(value: unknown, siblings: Readonly<Record<string, unknown>>): void;
}

/**
 * The specific problem for a validation refusal, when every error is about one checked field (so
 * answering with that field's code hides nothing else) and its check refuses the value too.
 */
export function specificProblem(
  checks: readonly FieldCheck[],
  request: { method: string; path: string; body: unknown; headers: unknown; query: unknown },
  fieldErrors: readonly FieldError[],
): Problem | undefined {
  if (fieldErrors.length === 0) return undefined;
  const field = checks.find(
    (candidate) =>
      candidate.method === request.method &&
      candidate.path.test(request.path) &&
      fieldErrors.every((error) => error.path === candidate.field || error.path.startsWith(`${candidate.field}/`)),
  );
  if (!field) return undefined;
  const [, location = '', name = ''] = field.field.split('/');
  const container: unknown = request[location as 'body' | 'headers' | 'query'];
  if (typeof container !== 'object' || container === null) return undefined;
  const siblings = container as Record<string, unknown>;
  const value = siblings[name];
  if (value === undefined) return undefined;
  try {
    field.check(value, siblings);
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  return undefined;
}
