import { expect, test } from 'vitest';
import { instantOf } from './webhook-service.js';

test.each([
  ['2026-12-01T00:00:00Z', Date.parse('2026-12-01T00:00:00Z')],
  ['2026-12-31T23:59:60Z', Date.parse('2027-01-01T00:00:00Z')],
  ['2026-04-31T00:00:00+02:00', Date.parse('2026-04-30T22:00:00Z')],
  ['2026-19-39T00:00:00Z', Date.UTC(2026, 18, 39)],
])('a replay since %s starts at a definite instant', (dateTime, expected) => {
  expect(instantOf(dateTime)).toBe(expected);
});
