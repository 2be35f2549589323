import { afterAll, beforeAll, expect, test } from 'vitest';
import pino from 'pino';
import { parseConfig } from '#src/platform/config.js';
import { createTestDatabase, type TestDatabase } from '#src/platform/testing/index.js';
import { type BillingProvider, catalogKey, ensureCatalog, stripeBillingProvider } from '@baketsu/billing';
import { billingService } from './billing-service.js';
import { insertAccount, stripeMock, testClock } from '@baketsu/billing/testing';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The Stripe adapter against stripe-mock, counting calls per method. */
function countingProvider() {
  const inner = stripeBillingProvider(stripeMock());
  const calls: Record<string, number> = {};
  const provider = new Proxy(inner, {
    get(target, property: keyof BillingProvider) {
      const value = target[property];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[property] = (calls[property] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
  return { provider, calls };
}

test('setup creates product, meter and price once, stores them and re-uses them', async () => {
  const config = parseConfig({ NODE_ENV: 'test', BCRYPT_COST: '4', PRICE_PER_GIB_MONTH: '0.023' });
  const { provider, calls } = countingProvider();
  const first = await ensureCatalog(database.pool, provider, config);
  expect(first).toMatchObject({ created: true, unit: 'MiB-hour', unit_amount_decimal: '0.000003076841', meter_event_name: 'baketsu_storage_mib_hours' });
  expect(first.meter_id).toMatch(/^meter_|^mtr_/);
  const again = await ensureCatalog(database.pool, provider, config);
  expect(again).toEqual({ ...first, created: false });
  expect(calls.createCatalog).toBe(1);

  // A new price keeps the stored product and meter.
  const repriced = await ensureCatalog(database.pool, provider, { ...config, PRICE_PER_GIB_MONTH: '0.03' });
  expect(repriced.key).toBe(catalogKey({ ...config, PRICE_PER_GIB_MONTH: '0.03' }).key);
  expect(repriced).toMatchObject({ created: true, product_id: first.product_id, meter_id: first.meter_id });
});

test('a customer is created on first need, once, and linked to the account', async () => {
  const config = parseConfig({ NODE_ENV: 'test', BCRYPT_COST: '4' });
  const { provider, calls } = countingProvider();
  const service = billingService({ pool: database.pool, provider, clock: testClock(new Date()), config, logger: pino({ level: 'silent' }) });
  const accountId = await insertAccount(database.pool);
  const [a, b] = await Promise.all([service.ensureCustomer(accountId), service.ensureCustomer(accountId)]);
  expect(a).toBe(b);
  expect(await service.ensureCustomer(accountId)).toBe(a);
  // Two racing first requests may both ask Stripe, but with one idempotency key: one customer.
  expect(calls.createCustomer).toBeLessThanOrEqual(2);
});
