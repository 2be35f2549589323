// The SQL twin of the billable-interval rule against the same table of cases as the TypeScript one.
import { createTestDatabase, type TestDatabase } from '@baketsu/platform/testing';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BYTE_TIME_CASES } from './byte-time.cases.js';
import { intervalByteMs } from './byte-time.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ migrations: [] });
});
afterAll(() => database?.drop());

describe('the billable-interval rule in SQL', () => {
  test.each(BYTE_TIME_CASES)('$name', async ({ file, fromMs, toMs, byteMs }) => {
    // The column types of metering.file_intervals (int8 bytes and epoch ms).
    const byteMsInSql = await database.pool.oneFirst(sql.unsafe`
      select (${intervalByteMs(sql.fragment`${fromMs}::int8`, sql.fragment`${toMs}::int8`)})::numeric(40, 0)::text as byte_ms
      from (select ${file.sizeBytes.toString()}::int8 as size_bytes, ${file.storedAtMs}::int8 as stored_at_ms, ${file.deletedAtMs}::int8 as deleted_at_ms) fi`);
    expect(BigInt(String(byteMsInSql))).toBe(byteMs);
  });
});
