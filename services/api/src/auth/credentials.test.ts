import { describe, expect, test } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { assertAcceptablePassword, bcryptPasswordHasher, normalizeEmail } from './credentials.js';

describe('normalizeEmail', () => {
  test('folds case and whitespace', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });
  test.each(['', 'no-at-sign', 'a@b', 'two@@example.com', 'sp ace@example.com', `${'a'.repeat(250)}@example.com`])(
    'refuses %j',
    (email) => {
      expect(() => normalizeEmail(email)).toThrow(Problem);
    },
  );
});

test('counts characters, as openapi.yaml does, not UTF-16 units', () => {
  // 120 emoji are 240 UTF-16 units: within 254 characters all the same.
  const email = `${'\u{1F600}'.repeat(120)}@example.com`;
  expect(normalizeEmail(email)).toBe(email);
  expect(() => normalizeEmail(`${'\u{1F600}'.repeat(243)}@example.com`)).toThrow(Problem);
});

describe('passwords', () => {
  test('length limits are enforced', () => {
    expect(() => assertAcceptablePassword('short')).toThrow(/at least 8/);
    expect(() => assertAcceptablePassword('x'.repeat(257))).toThrow(/at most 256/);
    expect(() => assertAcceptablePassword('        ')).toThrow(/whitespace/);
    expect(() => assertAcceptablePassword('correct horse')).not.toThrow();
  });

  test('bytes past bcrypt\'s 72-byte limit still matter', async () => {
    const hasher = bcryptPasswordHasher(4);
    const base = 'é'.repeat(40); // 80 bytes of UTF-8
    const stored = await hasher.hash(`${base}A`);
    expect(await hasher.verify(`${base}A`, stored)).toBe(true);
    expect(await hasher.verify(`${base}B`, stored)).toBe(false);
  });

  test('a decoy verification never succeeds', async () => {
    expect(await bcryptPasswordHasher(4).verifyNothing('anything at all')).toBe(false);
  });
});
