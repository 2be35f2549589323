import { describe, expect, test } from 'vitest';
import { errors } from './errors.js';
import { specificProblem, type FieldCheck } from './field-problems.js';

const checks: FieldCheck[] = [
  {
    method: 'POST',
    path: /^\/v1\/things$/,
    field: '/body/label',
    check(value) {
      if (typeof value === 'string' && value.length < 3) throw errors.invalidTags('too short');
    },
  },
  {
    method: 'POST',
    path: /^\/v1\/things$/,
    field: '/headers/idempotency-key',
    check(value) {
      if (value === 'bad') throw errors.invalidIdempotencyKey();
    },
  },
];
const request = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', path: '/v1/things', body, headers, query: {} });
const error = (path: string) => ({ path, message: 'is invalid' });

describe('specificProblem', () => {
  test("answers with the field's own problem when every error is about that field", () => {
    expect(specificProblem(checks, request({ label: 'ab' }), [error('/body/label')])?.code).toBe('invalid_tags');
    expect(specificProblem(checks, request({ label: 'ab' }), [error('/body/label/0'), error('/body/label')])?.code).toBe('invalid_tags');
    expect(specificProblem(checks, request({}, { 'idempotency-key': 'bad' }), [error('/headers/idempotency-key')])?.code).toBe('invalid_idempotency_key');
  });

  test('keeps the generic problem when it would hide another error, or the check has nothing to say', () => {
    expect(specificProblem(checks, request({ label: 'ab' }), [error('/body/label'), error('/body/other')])).toBeUndefined();
    expect(specificProblem(checks, request({ label: 'long enough' }), [error('/body/label')])).toBeUndefined();
    expect(specificProblem(checks, request({ label: 42 }), [error('/body/label')])).toBeUndefined();
    expect(specificProblem(checks, request({}), [error('/body/label')])).toBeUndefined();
    expect(specificProblem(checks, request([]), [])).toBeUndefined();
    expect(specificProblem(checks, { ...request({ label: 'ab' }), method: 'PATCH' }, [error('/body/label')])).toBeUndefined();
  });
});
