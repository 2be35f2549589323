import { describe, expect, test } from 'vitest';
import { pgArray } from './pg-array.js';

describe('pgArray', () => {
  test('integers and bigints as digits (bigints quoted), strings quoted, null as null', () => {
    expect(pgArray([1, -2, null])).toBe('{1,-2,null}');
    expect(pgArray([12345678901234567890n, 1, null])).toBe('{"12345678901234567890",1,null}');
    expect(pgArray(['a b', '', 'NULL', null])).toBe('{"a b","","NULL",null}');
  });
  test('quotes and backslashes are escaped the way array literals want, commas and braces stay inside quotes', () => {
    expect(pgArray(['say "hi"', 'back\\slash', '{x,y}', null])).toBe('{"say \\"hi\\"","back\\\\slash","{x,y}",NULL}');
  });
  test('control characters and non-ASCII text are passed through as they are', () => {
    expect(pgArray(['line\nbreak', 'tab\there', 'ünïcödé'])).toBe('{"line\nbreak","tab\there","ünïcödé"}');
    expect(pgArray(['ünïcödé'])).toBe('{"ünïcödé"}');
  });
  test('an empty column is an empty array', () => {
    expect(pgArray([])).toBe('{}');
  });
  test('refuses numbers that are not exact integers', () => {
    expect(() => pgArray([1.5])).toThrow(RangeError);
    expect(() => pgArray([2 ** 53])).toThrow(RangeError);
  });
});
