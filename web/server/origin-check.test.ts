import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isCrossSiteMutation } from './origin-check.js';

const request = (method: string, headers: Record<string, string>) => ({ method, headers: { host: 'localhost:3000', ...headers } }) as unknown as IncomingMessage;

describe('isCrossSiteMutation', () => {
  it('lets reads and same-origin posts through', () => {
    expect(isCrossSiteMutation(request('GET', { origin: 'https://evil.example' }), [])).toBe(false);
    expect(isCrossSiteMutation(request('POST', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' }), [])).toBe(false);
    expect(isCrossSiteMutation(request('POST', {}), [])).toBe(false);
  });

  it('refuses posts from other origins, opaque origins and other sites', () => {
    expect(isCrossSiteMutation(request('POST', { origin: 'https://evil.example' }), [])).toBe(true);
    expect(isCrossSiteMutation(request('POST', { origin: 'null' }), [])).toBe(true);
    expect(isCrossSiteMutation(request('DELETE', { 'sec-fetch-site': 'cross-site' }), [])).toBe(true);
    expect(isCrossSiteMutation(request('POST', { origin: 'http://localhost:3001', 'sec-fetch-site': 'same-site' }), [])).toBe(true);
  });

  it('accepts configured extra origins', () => {
    expect(isCrossSiteMutation(request('POST', { origin: 'https://dash.example' }), ['https://dash.example'])).toBe(false);
  });
});
