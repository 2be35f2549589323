import { describe, expect, it } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { ancestorPaths, MAX_FILE_PATH_BYTES, MAX_FOLDER_PATH_BYTES, subtreeEnd, subtreeStart, validFilePath, validFolderName, validFolderPath } from './folder-paths.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof Problem) return { code: error.code, message: (error.extensions.errors as Array<{ message: string }>)[0]!.message };
  }
  throw new Error('accepted');
};

describe('file paths', () => {
  it('splits folders from the name and normalises every segment to NFC', () => {
    expect(validFilePath('reports/2026/q4.pdf')).toEqual({ folders: ['reports', '2026'], name: 'q4.pdf' });
    expect(validFilePath('Cafe\u0301/menu.pdf')).toEqual({ folders: ['Café'], name: 'menu.pdf' });
    expect(validFilePath('plain.txt')).toEqual({ folders: [], name: 'plain.txt' });
  });
  it.each([
    ['a//b', 'empty segments'],
    ['/a', 'empty segments'],
    ['a/', 'empty segments'],
    ['a/../b', '"." or ".."'],
    ['./b', '"." or ".."'],
    ['a/ b', 'whitespace'],
    ['a\\b/c', '"/" or "\\"'],
    ['a/b\u0000', 'control characters'],
    ['a/\u202Eb', 'bidirectional'],
  ])('refuses %j', (raw, reason) => {
    const problem = refusal(() => validFilePath(raw));
    expect(problem.code).toBe('invalid_file_name');
    expect(problem.message).toContain(reason);
  });
  it('bounds folders to 768 bytes, so a whole path fits in 1024', () => {
    const folders = `${'a'.repeat(255)}/${'b'.repeat(255)}/${'c'.repeat(254)}/d`;
    expect(Buffer.byteLength(folders)).toBe(MAX_FOLDER_PATH_BYTES);
    expect(validFilePath(`${folders}/${'n'.repeat(255)}`).name).toHaveLength(255);
    expect(MAX_FILE_PATH_BYTES).toBe(1024);
    expect(refusal(() => validFilePath(`${folders}x/n`)).code).toBe('invalid_file_name');
    // Multi-byte characters count as their UTF-8 bytes.
    expect(refusal(() => validFilePath(`${'é'.repeat(200)}/${'é'.repeat(200)}/n`)).code).toBe('invalid_file_name');
  });
});

describe('folder paths and names', () => {
  it('checks the length from the root, parent included', () => {
    expect(validFolderPath('x/y', 'a/b')).toEqual(['x', 'y']);
    expect(refusal(() => validFolderPath('y'.repeat(200), 'p'.repeat(600))).code).toBe('invalid_folder_name');
  });
  it('refuses a rename to more than one segment', () => {
    expect(refusal(() => validFolderName('a/b')).code).toBe('invalid_folder_name');
    expect(validFolderName('Q4 reports')).toBe('Q4 reports');
  });
  it('names ancestors and the byte range of a subtree', () => {
    expect(ancestorPaths('a/b/c')).toEqual(['a', 'a/b']);
    expect(ancestorPaths('a')).toEqual([]);
    // Every path inside a/b sorts in [a/b/, a/b0); siblings that share the prefix do not.
    const inside = ['a/b/c', 'a/b/\u00ff', 'a/b/'];
    const outside = ['a/b', 'a/b c', 'a/b-x', 'a/b0', 'a/bz'];
    const within = (path: string) => Buffer.compare(Buffer.from(path), Buffer.from(subtreeStart('a/b'))) >= 0 && Buffer.compare(Buffer.from(path), Buffer.from(subtreeEnd('a/b'))) < 0;
    expect(inside.every(within)).toBe(true);
    expect(outside.some(within)).toBe(false);
  });
});
