import { describe, expect, it } from 'vitest';
import { safeRedirect } from './auth.server.js';

describe('safeRedirect', () => {
  it('keeps same-site paths and refuses everything else', () => {
    expect(safeRedirect('/files?q=a')).toBe('/files?q=a');
    expect(safeRedirect('/files?q=a#top')).toBe('/files?q=a#top');
    expect(safeRedirect('//evil.example/x')).toBe('/dashboard');
    expect(safeRedirect('/\\evil.example')).toBe('/dashboard');
    expect(safeRedirect('https://evil.example')).toBe('/dashboard');
    expect(safeRedirect('files')).toBe('/dashboard');
    expect(safeRedirect(null)).toBe('/dashboard');
    expect(safeRedirect('', '/upload')).toBe('/upload');
  });

  // Browsers strip tabs and newlines and treat `\` as `/`, so each of these would leave the site.
  it.each([
    ['a tab', '/\t/evil.example'],
    ['a newline', '/\n/evil.example'],
    ['a carriage return', '/\r/evil.example'],
    ['a leading tab', '\t//evil.example'],
    ['a backslash after the slash', '/\\/evil.example'],
    ['a backslash later on', '/files\\..\\\\evil.example'],
    ['a space', '/ /evil.example'],
    ['a NUL', '/\u0000/evil.example'],
    ['a dot segment collapsing to //', '/.//evil.example'],
    ['a parent segment collapsing to //', '/..//evil.example'],
  ])('refuses %s', (_, to) => {
    expect(safeRedirect(to)).toBe('/dashboard');
  });
});
