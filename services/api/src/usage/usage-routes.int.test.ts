import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Metering itself folds the events here, so the routes read what the real fold writes.
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import express from 'express';
import pino from 'pino';
import { requestLogging } from '#src/platform/request-logging.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BearerResolver } from '#src/auth/authenticate.js';
import { fileEvent, type FileEvent } from '@baketsu/contract/events';
import { appendToOutbox } from '@baketsu/contract/outbox';
import { problemMiddleware } from '#src/platform/error-middleware.js';
import { errors } from '#src/platform/errors.js';
import { openApiValidator } from '#src/platform/openapi-http.js';
import { createTestDatabase, startTestApi, type TestApi, type TestDatabase } from '#src/platform/testing/index.js';
import { sql } from 'slonik';
import { GIB } from '@baketsu/billing-core';
import { usageRepository } from '@baketsu/metering/read-model';
import { usageRouter } from './usage-routes.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const clock = { now: () => new Date(NOW) };

let database: TestDatabase;
let api: TestApi;
let usageServer: Server;
let usageUrl: string;
let token: string;
let accountId: string;
let sequence = 0;
const uuid = () => `0190a0a0-0000-7000-8000-${(0x200000 + sequence++).toString(16).padStart(12, '0')}`;

async function signIn(email: string): Promise<{ token: string; accountId: string }> {
  const credentials = { email, password: 'correct horse battery staple 42' };
  const registered = await fetch(`${api.url}/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  expect(registered.status).toBe(201);
  const account = (await registered.json()) as { id: string };
  const login = await fetch(`${api.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  return { token: ((await login.json()) as { access_token: string }).access_token, accountId: account.id };
}

const stored = (account: string, fileId: string, size: number, contentType: string, at: string): FileEvent =>
  fileEvent('file.stored', uuid(), { file_id: fileId, account_id: account, size_bytes: size, content_type: contentType, stored_at: at });
const deleted = (account: string, fileId: string, size: number, at: string): FileEvent =>
  fileEvent('file.deleted', uuid(), { file_id: fileId, account_id: account, size_bytes: size, deleted_at: at });

const fileA = uuid();
const fileB = uuid();
const fileC = uuid();

beforeAll(async () => {
  database = await createTestDatabase();
  api = await startTestApi({ database });
  ({ token, accountId } = await signIn(`usage-${Date.now()}@example.com`));
  const other = await signIn(`other-${Date.now()}@example.com`);

  // The real sign-in decides who the caller is: the usage router only sees what /v1/me answers.
  const resolveBearer: BearerResolver = async (bearer) => {
    const me = await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${bearer}` } });
    if (!me.ok) throw errors.invalidToken();
    return { account: (await me.json()) as never, scopes: new Set(['read'] as const), via: 'access_token' };
  };
  const app = express();
  const logger = pino({ level: 'silent' });
  app.use(requestLogging(logger));
  app.use(express.json());
  app.use(openApiValidator({ validateResponses: true }));
  app.use(usageRouter({ pool: database.pool, clock, resolveBearer, price: { perGibMonth: '1000', currency: 'usd' } }));
  app.use(problemMiddleware({ bodyLimitBytes: 1024 * 1024, logger }));
  usageServer = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  usageUrl = `http://127.0.0.1:${(usageServer.address() as AddressInfo).port}`;

  await database.pool.transaction(async (tx) => {
    await appendToOutbox(tx, stored(accountId, fileA, Number(GIB), 'image/png', '2026-10-25T00:00:00.000Z'));
    await appendToOutbox(tx, deleted(accountId, fileB, 1000, '2026-11-15T00:00:00.000Z')); // before its store
    await appendToOutbox(tx, stored(accountId, fileB, 1000, 'text/plain', '2026-11-10T00:00:00.000Z'));
    await appendToOutbox(tx, stored(accountId, fileC, 2 ** 20, 'application/pdf', '2026-11-20T00:00:00.000Z'));
    await appendToOutbox(tx, stored(other.accountId, uuid(), 999_999, 'video/mp4', '2026-11-01T00:00:00.000Z'));
  });
  await startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), poll: false }).drain();
});

afterAll(async () => {
  usageServer?.closeAllConnections();
  await new Promise((resolve) => usageServer?.close(resolve));
  await api?.stop();
  await database?.drop();
});

const get = async (path: string, bearer: string | null = token) => {
  const response = await fetch(`${usageUrl}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const text = await response.text();
  if (!text.startsWith("{")) throw new Error(`${response.status} ${text.slice(0, 600)}`);
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
};

const monthStart = Date.parse('2026-11-01T00:00:00.000Z');
const byteMsA = GIB * BigInt(NOW - monthStart);
const byteMsB = 1000n * BigInt(5 * DAY);
const byteMsC = 2n ** 20n * BigInt(DAY / 2);

describe('usage API', () => {
  test('GET /v1/dashboard/usage: exact month-to-date byte-time and the estimate, for the caller only', async () => {
    const { status, body } = await get('/v1/dashboard/usage');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      stored_bytes: Number(GIB) + 2 ** 20,
      file_count: 2,
      by_type: [
        { type: 'image', bytes: Number(GIB), files: 1 },
        { type: 'document', bytes: 2 ** 20, files: 1 },
      ],
      byte_ms_month_to_date: (byteMsA + byteMsB + byteMsC).toString(),
      // 1000/GiB-month: the GiB all month (1000) + 1 MiB for 11 of 30 days (0.3581) + 1000 B for 5 days (0.0002)
      estimated_monthly_cost: { amount: '1000.36', currency: 'usd' },
    });
  });

  test('GET /v1/dashboard/trend: one entry per day including today', async () => {
    const { status, body } = await get('/v1/dashboard/trend?days=3');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.items).toEqual([
      { date: '2026-11-18', stored_bytes: Number(GIB), byte_ms: (GIB * BigInt(DAY)).toString() },
      { date: '2026-11-19', stored_bytes: Number(GIB), byte_ms: (GIB * BigInt(DAY)).toString() },
      { date: '2026-11-20', stored_bytes: Number(GIB) + 2 ** 20, byte_ms: ((GIB + 2n ** 20n) * BigInt(DAY / 2)).toString() },
    ]);
    expect((await get('/v1/dashboard/trend')).body.items).toHaveLength(30);
  });

  test('GET /v1/dashboard/usage/files: the files behind the month, largest first, adding up to the total', async () => {
    const first = await get('/v1/dashboard/usage/files?month=2026-11&limit=2');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.byte_ms_total).toBe((byteMsA + byteMsB + byteMsC).toString());
    expect(first.body.items).toEqual([
      { file_id: fileA, type: 'image', size_bytes: Number(GIB), stored_at: '2026-10-25T00:00:00.000Z', deleted_at: null, byte_ms: byteMsA.toString() },
      { file_id: fileC, type: 'document', size_bytes: 2 ** 20, stored_at: '2026-11-20T00:00:00.000Z', deleted_at: null, byte_ms: byteMsC.toString() },
    ]);
    const second = await get(`/v1/dashboard/usage/files?month=2026-11&limit=2&cursor=${String(first.body.next_cursor)}`);
    expect(second.body.items).toEqual([
      { file_id: fileB, type: 'text', size_bytes: 1000, stored_at: '2026-11-10T00:00:00.000Z', deleted_at: '2026-11-15T00:00:00.000Z', byte_ms: byteMsB.toString() },
    ]);
    expect(second.body.next_cursor).toBeUndefined();
    const october = await get('/v1/dashboard/usage/files?month=2026-10');
    expect(october.body).toMatchObject({ byte_ms_total: (GIB * BigInt(7 * DAY)).toString(), items: [{ file_id: fileA }] });
    // A month that has not begun has no byte-time, and so no files behind it.
    const future = await get('/v1/dashboard/usage/files?month=2099-01');
    expect(future.body).toEqual({ month: '2099-01', byte_ms_total: '0', items: [] });
  });

  test('families are ordered by bytes as numbers, not as text', async () => {
    const account = uuid();
    await database.pool.query(sql.unsafe`
      insert into metering.account_families (account_id, family, bytes, files) values
        (${account}, 'audio', 9, 1), (${account}, 'video', 10, 1), (${account}, 'image', 100, 1), (${account}, 'text', 0, 0)`);
    const families = await usageRepository(database.pool).families(account);
    expect(families.map((family) => family.family)).toEqual(['image', 'video', 'audio']);
  });

  test('bad parameters and missing credentials are problems', async () => {
    expect((await get('/v1/dashboard/trend?days=0')).status).toBe(400);
    expect((await get('/v1/dashboard/usage/files?month=2026-13')).status).toBe(400);
    expect((await get('/v1/dashboard/usage/files?cursor=nope')).status).toBe(400);
    expect((await get('/v1/dashboard/usage', null)).status).toBe(401);
  });
});
