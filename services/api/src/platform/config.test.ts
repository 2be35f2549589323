import { describe, expect, test } from 'vitest';
import { pricePerGibMonthMicros } from '@baketsu/billing-core';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  test('applies defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.PORT).toBe(8000);
    expect(config.CORS_ORIGINS).toEqual(['http://localhost:3000']);
    expect(config.BCRYPT_COST).toBe(12);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('the public URL follows the port unless it is set', () => {
    expect(parseConfig({}).PUBLIC_URL).toBe('http://localhost:8000');
    expect(parseConfig({ PORT: '8123' }).PUBLIC_URL).toBe('http://localhost:8123');
    expect(parseConfig({ PORT: '8123', PUBLIC_URL: 'https://api.example.com' }).PUBLIC_URL).toBe('https://api.example.com');
  });

  test('the browser origin and the dashboard links follow the dashboard port unless they are set', () => {
    expect(parseConfig({}).DASHBOARD_URL).toBe('http://localhost:3000');
    const moved = parseConfig({ DASHBOARD_PORT: '3123' });
    expect(moved.CORS_ORIGINS).toEqual(['http://localhost:3123']);
    expect(moved.DASHBOARD_URL).toBe('http://localhost:3123');
    const explicit = parseConfig({ DASHBOARD_PORT: '3123', CORS_ORIGINS: 'https://app.example.com,https://admin.example.com', DASHBOARD_URL: 'https://app.example.com' });
    expect(explicit.CORS_ORIGINS).toEqual(['https://app.example.com', 'https://admin.example.com']);
    expect(explicit.DASHBOARD_URL).toBe('https://app.example.com');
    expect(() => parseConfig({ DASHBOARD_PORT: 'three thousand' })).toThrow(/DASHBOARD_PORT/);
  });

  test('names the variable that is wrong', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });

  test('a single PUT never goes past S3\'s 5 GiB limit', () => {
    expect(() => parseConfig({ MULTIPART_THRESHOLD_BYTES: String(5 * 1024 ** 3 + 1) })).toThrow(/MULTIPART_THRESHOLD_BYTES/);
    expect(parseConfig({ MULTIPART_THRESHOLD_BYTES: String(5 * 1024 ** 3) }).MULTIPART_THRESHOLD_BYTES).toBe(5 * 1024 ** 3);
  });

  test('refuses a weak bcrypt cost outside tests', () => {
    expect(() => parseConfig({ BCRYPT_COST: '4' })).toThrow(/BCRYPT_COST/);
    expect(parseConfig({ BCRYPT_COST: '4', NODE_ENV: 'test' }).BCRYPT_COST).toBe(4);
  });

  test('requires a JWT secret in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
  });

  test('treats empty values as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(8000);
  });

  test('webhook deliveries are kept 30 days unless set; at least a day, whole days', () => {
    expect(parseConfig({}).WEBHOOK_DELIVERY_RETENTION_DAYS).toBe(30);
    expect(parseConfig({ WEBHOOK_DELIVERY_RETENTION_DAYS: '90' }).WEBHOOK_DELIVERY_RETENTION_DAYS).toBe(90);
    for (const bad of ['0', '1.5', '-3', 'a month']) expect(() => parseConfig({ WEBHOOK_DELIVERY_RETENTION_DAYS: bad })).toThrow(/WEBHOOK_DELIVERY_RETENTION_DAYS/);
  });

  test('prices become integer micro-units', () => {
    expect(pricePerGibMonthMicros(parseConfig({}))).toBe(20_000n);
    expect(pricePerGibMonthMicros(parseConfig({ PRICE_PER_GIB_MONTH: '1.5' }))).toBe(1_500_000n);
    expect(() => parseConfig({ PRICE_PER_GIB_MONTH: '-1' })).toThrow(/PRICE_PER_GIB_MONTH/);
  });
});
