import { describe, expect, test } from 'vitest';
import { attachmentDisposition } from '#src/storage/content-disposition.js';

// What a browser would recover from filename*=UTF-8''…
function decodedExtended(header: string): string {
  const match = /filename\*=UTF-8''([^;\s]+)$/.exec(header);
  if (!match?.[1]) throw new Error(`no filename* in ${header}`);
  return decodeURIComponent(match[1]);
}

describe('attachmentDisposition', () => {
  test('keeps the exact name in filename* and an ASCII stand-in in filename', () => {
    const header = attachmentDisposition('résumé "final".pdf');
    expect(header).toBe(
      `attachment; filename="resume _final_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
    expect(decodedExtended(header)).toBe('résumé "final".pdf');
  });

  test('never lets a name break out of the header', () => {
    const header = attachmentDisposition('a\r\nSet-Cookie: x=1\\"; filename="evil.exe');
    expect(header).not.toMatch(/[\r\n]/);
    // Exactly the two quotes around the fallback, none from the name.
    expect(header.match(/"/g)).toHaveLength(2);
    expect(decodedExtended(header)).toBe('a__Set-Cookie: x=1\\"; filename="evil.exe');
  });

  test('escapes characters that are not RFC 8187 attr-chars', () => {
    const header = attachmentDisposition("it's (a)*.txt");
    expect(header).toContain(`filename*=UTF-8''it%27s%20%28a%29%2A.txt`);
    expect(header).toMatch(/^[\x20-\x7E]+$/);
  });

  test('handles names outside the BMP, lone surrogates and percent signs', () => {
    expect(decodedExtended(attachmentDisposition('📦 100%.zip'))).toBe('📦 100%.zip');
    expect(attachmentDisposition('📦 100%.zip')).toContain('filename="_ 100_.zip"');
    expect(decodedExtended(attachmentDisposition('bad\uD800.txt'))).toBe('bad\uFFFD.txt');
  });

  test('never produces an empty name', () => {
    expect(attachmentDisposition('  \n ')).toBe(`attachment; filename="download"; filename*=UTF-8''download`);
  });
});
