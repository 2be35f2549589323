import { ConflictError, ValidationError, APIError, type Problem } from '@baketsu/sdk';
import { describe, expect, it } from 'vitest';
import { formErrorsFrom, pageProblemFrom } from './problems.server.js';

const problem = (status: number, code: Problem['code'], extra: Record<string, unknown> = {}) => ({ type: 'about:blank', title: `title ${code}`, status, code, ...extra });

describe('formErrorsFrom', () => {
  it('puts field errors under their fields', () => {
    const error = new ValidationError({ message: 'x', status: 400, code: 'weak_password', problem: problem(400, 'weak_password', { detail: 'too short', errors: [{ path: '/body/password', message: 'must be at least 8 characters' }] }) });
    expect(formErrorsFrom(error)).toEqual({ fields: { password: 'Must be at least 8 characters' } });
  });

  it('maps known codes to a field and others to the form', () => {
    const taken = new ConflictError({ message: 'x', status: 409, code: 'email_taken', problem: problem(409, 'email_taken') });
    expect(formErrorsFrom(taken)).toEqual({ fields: { email: 'title email_taken' } });
    const other = new ConflictError({ message: 'x', status: 409, code: 'too_many_api_keys', problem: problem(409, 'too_many_api_keys', { detail: 'revoke one' }) });
    expect(formErrorsFrom(other)).toEqual({ fields: {}, form: 'title too_many_api_keys: revoke one' });
  });

  it('rethrows server errors for the error boundary', () => {
    const error = new APIError({ message: 'boom', status: 503 });
    expect(() => formErrorsFrom(error)).toThrow(error);
  });
});

describe('pageProblemFrom', () => {
  it('turns a refused address value into a 4xx page carrying the API words', async () => {
    const error = new ValidationError({ message: 'x', status: 400, code: 'invalid_cursor', problem: problem(400, 'invalid_cursor', { detail: 'start again without a cursor.' }) });
    let thrown: unknown;
    try {
      pageProblemFrom(error);
    } catch (caught) {
      thrown = caught;
    }
    expect(thrown).toMatchObject({ type: 'DataWithResponseInit', init: { status: 400 }, data: { code: 'invalid_cursor', message: 'title invalid_cursor: start again without a cursor.' } });
  });

  it('rethrows server errors and anything that is not an API problem', () => {
    const error = new APIError({ message: 'boom', status: 503 });
    expect(() => pageProblemFrom(error)).toThrow(error);
    const redirect = new Response(null, { status: 302 });
    expect(() => pageProblemFrom(redirect)).toThrow();
  });
});
