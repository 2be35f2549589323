import { BackendTerminatedError, ConnectionError, UniqueIntegrityConstraintViolationError } from 'slonik';
import { expect, test } from 'vitest';
import { isLostDatabaseConnection, markDatabaseSocketError, markDatabaseSocketErrors } from './connection-loss.js';

test.each([
  ['a terminated backend', new BackendTerminatedError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))],
  ['a failed connect', new ConnectionError('connect ECONNREFUSED 127.0.0.1:5432')],
  ['pg closing the socket', new Error('Connection terminated unexpectedly')],
  ['a SQLSTATE 08006 wrapped by a caller', new Error('outbox append failed', { cause: Object.assign(new Error('connection failure'), { code: '08006' }) })],
])('%s is a lost connection', (_name, error) => {
  expect(isLostDatabaseConnection(error)).toBe(true);
});

test.each([
  ['a unique violation', new UniqueIntegrityConstraintViolationError(Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'accounts_email_key' }))],
  ['a bug', new TypeError('undefined is not a function')],
  ['an object-store socket reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ['nothing at all', undefined],
])('%s is not', (_name, error) => {
  expect(isLostDatabaseConnection(error)).toBe(false);
});

test('a socket error counts once a database call marked it as its own', () => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  markDatabaseSocketErrors.queryExecutionError!({} as never, {} as never, reset as never, []);
  expect(isLostDatabaseConnection(reset)).toBe(true);
  const wrapped = new Error('outbox append failed', { cause: Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) });
  markDatabaseSocketError(wrapped.cause);
  expect(isLostDatabaseConnection(wrapped)).toBe(true);
});

test('marking leaves errors that are not socket errors alone', () => {
  const duplicate = Object.assign(new Error('duplicate key'), { code: '23505' });
  markDatabaseSocketError(duplicate);
  markDatabaseSocketError(undefined);
  expect(isLostDatabaseConnection(duplicate)).toBe(false);
});
