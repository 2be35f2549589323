import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEnv } from './env.server.js';

describe('parseEnv', () => {
  it('has working defaults outside production', () => {
    const env = parseEnv({});
    expect(env.API_URL).toBe('http://localhost:8000');
    expect(env.SESSION_COOKIE_SECURE).toBe(false);
    expect(env.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('fails fast, naming the variable', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(() => parseEnv({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
    expect(() => parseEnv({ API_URL: 'not a url' })).toThrow(/API_URL/);
  });

  it('makes cookies Secure in production unless told otherwise', () => {
    const secret = 'x'.repeat(40);
    expect(parseEnv({ NODE_ENV: 'production', SESSION_SECRET: secret }).SESSION_COOKIE_SECURE).toBe(true);
    expect(parseEnv({ NODE_ENV: 'production', SESSION_SECRET: secret, SESSION_COOKIE_SECURE: 'false' }).SESSION_COOKIE_SECURE).toBe(false);
    expect(parseEnv({ ALLOWED_ORIGINS: 'https://a.example, https://b.example' }).ALLOWED_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('accepts what docker-compose.yml gives the web service', () => {
    const compose = parse(readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    const environment = compose.services.web?.environment ?? {};
    expect(() => parseEnv(environment)).not.toThrow();
  });
});
