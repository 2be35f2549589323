import { describe, expect, it } from 'vitest';
import { safeRedirect } from './auth.server.js';

describe('safeRedirect', () => {
  it('keeps same-site paths and refuses everything else', () => {
    expect(safeRedirect('/files?q=a')).toBe('/files?q=a');
    expect(safeRedirect('//evil.example/x')).toBe('/dashboard');
    expect(safeRedirect('/\\evil.example')).toBe('/dashboard');
    expect(safeRedirect('https://evil.example')).toBe('/dashboard');
    expect(safeRedirect(null)).toBe('/dashboard');
    expect(safeRedirect('', '/upload')).toBe('/upload');
  });
});
