import { describe, expect, it } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';

const id = '0190d6a4-0000-7000-8000-000000000000';

describe('list cursors', () => {
  it('round-trip', () => {
    const cursor = { sort: 'name' as const, order: 'asc' as const, value: 'a "b"', id };
    expect(decodeCursor(encodeCursor(cursor), 'name', 'asc')).toEqual(cursor);
  });
  it('refuse garbage and cursors of another listing', () => {
    const cursor = encodeCursor({ sort: 'size', order: 'asc', value: 10, id });
    for (const attempt of [() => decodeCursor('!!', 'size', 'asc'), () => decodeCursor(cursor, 'size', 'desc'), () => decodeCursor(cursor, 'name', 'asc')]) {
      expect(attempt).toThrow(Problem);
    }
  });
});
