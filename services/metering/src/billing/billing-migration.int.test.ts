// Migrations 0115 (API) and 0010 (metering) on a deployment that has been reporting per account:
// subscriptions and cursors move over, net units are what was reported, the unit is remembered.
import { randomBytes } from 'node:crypto';
import { apiSchema, requireTestEnv } from '#test/database.js';
import { meteringMigrations } from '#src/read-model/schema.js';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';

const T0 = Date.UTC(2026, 10, 2, 0);
const HOUR = 3_600_000;
let client: pg.Client;
let name: string;
let url: string;
beforeAll(async () => {
  const admin = new pg.Client({ connectionString: requireTestEnv('TEST_PG_URL') });
  await admin.connect();
  name = `baketsu_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  const parsed = new URL(requireTestEnv('TEST_PG_URL'));
  parsed.pathname = `/${name}`;
  url = parsed.toString();
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  const admin = new pg.Client({ connectionString: requireTestEnv('TEST_PG_URL') });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
});

const up = (dir: string, table: string, count?: number) =>
  runner({ databaseUrl: url, dir, migrationsTable: table, direction: 'up', count: count ?? Infinity, checkOrder: true, singleTransaction: true, log: () => {} });

test('per-account reporting state moves to per-subscription, keeping what was reported', async () => {
  await up(apiSchema.directory, apiSchema.table, 11); // through 0100
  await up(meteringMigrations.directory, meteringMigrations.table, 2); // through 0002
  const account = '0190e0e0-0000-7000-8000-0000000000a1';
  const fresh = '0190e0e0-0000-7000-8000-0000000000a2';
  for (const id of [account, fresh]) await client.query(`insert into accounts (id, email, password_hash) values ($1::uuid, $2, 'x')`, [id, `${id}@example.com`]);
  await client.query(`insert into billing_catalog (key, product_id, meter_id, meter_event_name, price_id, unit, unit_amount_decimal, currency)
                      values ('k', 'prod', 'mtr', 'baketsu_storage_mib_hours', 'price', 'MiB-hour', '0.1', 'usd')`);
  await client.query(`insert into billing_accounts (account_id, stripe_customer_id, subscription_id, subscription_status, subscription_event_at, report_from_ms)
                      values ($1, 'cus_a', 'sub_a', 'active', 10, $2), ($3, 'cus_b', 'sub_b', 'active', 10, $2)`, [account, T0, fresh]);
  // Old semantics: reported_units = floor(cum / unit) at its best (baseline 100, then 3 + 4 reported).
  await client.query(`insert into billing_report_cursors (account_id, reported_through_ms, reported_units) values ($1, $2, 107), ($3, $4, null)`,
    [account, T0 + 2 * HOUR, fresh, T0]);
  await client.query(`insert into billing_meter_reports (account_id, hour_start_ms, identifier, stripe_customer_id, meter_event_name, value, cum_byte_ms, status)
                      values ($1, $2, 'i1', 'cus_a', 'baketsu_storage_mib_hours', 3, 0, 'sent'), ($1, $3, 'i2', 'cus_a', 'baketsu_storage_mib_hours', 4, 0, 'sent')`,
    [account, T0, T0 + HOUR]);

  await up(apiSchema.directory, apiSchema.table);
  await up(meteringMigrations.directory, meteringMigrations.table);

  const subscriptions = await client.query(`select subscription_id, account_id, status, report_from_ms::float8 as from_ms from billing_subscriptions order by subscription_id`);
  expect(subscriptions.rows).toEqual([
    { subscription_id: 'sub_a', account_id: account, status: 'active', from_ms: T0 },
    { subscription_id: 'sub_b', account_id: fresh, status: 'active', from_ms: T0 },
  ]);
  const cursors = await client.query(`select subscription_id, reported_through_ms::float8 as through, reported_units::text as units, unit from billing_report_cursors order by subscription_id`);
  expect(cursors.rows).toEqual([
    { subscription_id: 'sub_a', through: T0 + 2 * HOUR, units: '7', unit: 'MiB-hour' },
    { subscription_id: 'sub_b', through: T0, units: '0', unit: 'MiB-hour' },
  ]);
  const reports = await client.query(`select distinct subscription_id from billing_meter_reports`);
  expect(reports.rows).toEqual([{ subscription_id: 'sub_a' }]);
  // Negative corrections are allowed from now on; zero and 16 digits are not.
  await client.query(`update billing_meter_reports set value = -3 where identifier = 'i1'`);
  await expect(client.query(`update billing_meter_reports set value = 1000000000000000 where identifier = 'i1'`)).rejects.toThrow(/value_check/);
});
