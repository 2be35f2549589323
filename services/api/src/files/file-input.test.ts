import { describe, expect, it } from 'vitest';
import { Problem } from '#src/platform/problem.js';
import { contentTypeAllowed, validContentType, validFileName, validPartSize, validSha256, validTags } from './file-input.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof Problem ? error.code : 'not a problem';
  }
  return 'accepted';
};

describe('file names', () => {
  it('normalises to NFC and keeps Unicode', () => {
    expect(validFileName('Cafe\u0301 menu.pdf')).toBe('Café menu.pdf');
    expect(validFileName('写真 2024.jpg')).toBe('写真 2024.jpg');
  });
  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    [' lead.txt', 'leading space'],
    ['a/b.txt', 'slash'],
    ['..\\etc', 'backslash'],
    ['..', 'dot-dot'],
    ['.', 'dot'],
    ['bad\nname', 'newline'],
    ['nul\u0000', 'NUL'],
    ['evil\u202Etxt.exe', 'bidi override'],
    ['\uD800x', 'lone surrogate'],
    ['é'.repeat(128), 'over 255 bytes'],
  ])('refuses %j (%s)', (name) => {
    expect(code(() => validFileName(name))).toBe('invalid_file_name');
  });
});

describe('content types', () => {
  it('accepts exact types, families and everything', () => {
    expect(contentTypeAllowed('image/png', ['image/*'])).toBe(true);
    expect(contentTypeAllowed('image/png', ['image/png'])).toBe(true);
    expect(contentTypeAllowed('video/mp4', ['image/*', 'text/plain'])).toBe(false);
    expect(contentTypeAllowed('video/mp4', ['*/*'])).toBe(true);
  });
  it('lower-cases and refuses malformed or parameterised types', () => {
    expect(validContentType('Image/PNG', ['image/*'])).toBe('image/png');
    expect(code(() => validContentType('text/plain; charset=utf-8', ['*/*']))).toBe('invalid_content_type');
    expect(code(() => validContentType('nonsense', ['*/*']))).toBe('invalid_content_type');
    expect(code(() => validContentType('video/mp4', ['image/*']))).toBe('content_type_not_allowed');
  });
});

describe('checksums and tags', () => {
  it('accepts hex and base64 SHA-256 and returns base64', () => {
    const hex = 'a'.repeat(64);
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    expect(validSha256(hex)).toBe(base64);
    expect(validSha256(base64)).toBe(base64);
    expect(code(() => validSha256('abc'))).toBe('invalid_checksum');
  });
  it('normalises, de-duplicates and limits tags', () => {
    expect(validTags(['Work', 'work', ' 2024 '], 5)).toEqual(['2024', 'work']);
    expect(code(() => validTags(['a', 'b', 'c'], 2))).toBe('invalid_tags');
    expect(code(() => validTags(['x'.repeat(65)], 5))).toBe('invalid_tags');
    expect(code(() => validTags(['<script>'], 5))).toBe('invalid_tags');
    expect(code(() => validTags([''], 5))).toBe('invalid_tags');
  });
  it('takes tags in scripts that need combining marks, never starting with one', () => {
    expect(validTags(['हिंदी', 'ไทย'], 5)).toEqual(['ไทย', 'हिंदी'].sort());
    expect(code(() => validTags(['\u0301accent'], 5))).toBe('invalid_tags');
    expect(code(() => validTags(['\ttab'], 5))).toBe('invalid_tags');
  });
});

describe('part sizes', () => {
  const MIB = 1024 * 1024;
  it('returns an acceptable part size', () => {
    expect(validPartSize(11 * MIB, 5 * MIB)).toBe(5 * MIB);
  });
  it('refuses an unusable one with invalid_part_size', () => {
    expect(code(() => validPartSize(11 * MIB, MIB))).toBe('invalid_part_size');
    expect(code(() => validPartSize(10_000 * 5 * MIB + 1, 5 * MIB))).toBe('invalid_part_size');
  });
});
