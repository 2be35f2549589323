import { describe, expect, test } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { parseInput, publicDownloadBody, shareCreateBody, shareListQuery, tokenParam, uuidParam } from './shares-input.js';

// Whatever checks requests before the routes, these never let a bad value through to a 500.
describe('share inputs, read without the OpenAPI validator', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(Problem);
      return { status: (error as Problem).status, code: (error as Problem).code, errors: (error as Problem).extensions.errors };
    }
    throw new Error('accepted');
  };

  test.each<[string, () => unknown, string]>([
    ['a password that is a number', () => parseInput(shareCreateBody, { password: 12345678 }, '/body'), '/body/password'],
    ['an expiry that is no instant', () => parseInput(shareCreateBody, { expires_at: 'soon' }, '/body'), '/body/expires_at'],
    ['a limit given as text', () => parseInput(shareCreateBody, { max_downloads: '3' }, '/body'), '/body/max_downloads'],
    ['an unknown option', () => parseInput(shareCreateBody, { public: true }, '/body'), '/body'],
    ['a download password that is an object', () => parseInput(publicDownloadBody, { password: {} }, '/body'), '/body/password'],
    ['an id that is no uuid', () => parseInput(uuidParam, "1' or '1'='1", '/path/id'), '/path/id'],
    ['a token longer than any we make', () => parseInput(tokenParam, 'x'.repeat(129), '/path/token'), '/path/token'],
    ['a file filter that is no uuid', () => parseInput(shareListQuery, { file_id: 'x' }, '/query'), '/query/file_id'],
  ])('refuses %s with validation_failed', (_label, run, path) => {
    const answer = refusal(run);
    expect(answer).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((answer.errors as Array<{ path: string }>)[0]?.path).toBe(path);
  });

  test('passes good values through', () => {
    expect(parseInput(shareCreateBody, { max_downloads: 2, expires_at: '2030-01-01T00:00:00+02:00' }, '/body')).toEqual({
      max_downloads: 2, expires_at: '2030-01-01T00:00:00+02:00',
    });
    expect(parseInput(shareListQuery, { limit: '20' }, '/query')).toEqual({ limit: 20 });
  });
});
