import { sql } from 'slonik';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { insertAccount } from '@baketsu/billing/testing';
import { createTestDatabase, type TestDatabase } from '#src/platform/testing/index.js';
import { uploadAdmissions } from './upload-admissions.js';
import { uploadRepository, type NewUpload, type SqlLimits } from './upload-repository.js';

const unlimited: SqlLimits = { defaultQuotaBytes: null, defaultCeilingMicros: null, priceMicros: '20000', unverifiedLimitBytes: null };

function upload(accountId: string, size: number): NewUpload {
  const id = uuidv7();
  return {
    id, accountId, objectKey: `${accountId}/${id}`, name: `${size}.bin`, size, contentType: 'application/octet-stream',
    sha256: null, partSize: null, partCount: null, createdAt: new Date(),
  };
}

describe('admitting presigns in batches', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.close());

  const setQuota = (accountId: string, bytes: number) =>
    db.pool.query(sql.unsafe`update accounts set storage_quota_bytes = ${bytes} where id = ${accountId}`);
  const writtenUploads = async (accountId: string) =>
    db.pool.anyFirst(sql.unsafe`select size_bytes from uploads where account_id = ${accountId} order by id`);
  const reservedBytes = (accountId: string) =>
    db.pool.oneFirst(sql.unsafe`select reserved_bytes from accounts where id = ${accountId}`);

  test('one statement admits each upload as if alone: in order per account, past-due and over-quota refused, nothing written for them', async () => {
    const [limited, open, owing] = [await insertAccount(db.pool), await insertAccount(db.pool), await insertAccount(db.pool)];
    await setQuota(limited, 1000);
    await db.pool.query(sql.unsafe`
      insert into billing_invoices (id, account_id, status, currency, amount_due, amount_paid, payment_failed_at, created_at)
      values (${`in_${uuidv7()}`}, ${owing}, 'open', 'usd', 100, 0, now(), now())`);
    const batch = [upload(limited, 600), upload(open, 5000), upload(limited, 600), upload(owing, 1), upload(limited, 300)];

    const admissions = await uploadRepository.admit(db.pool, batch, unlimited);

    expect(admissions).toEqual([
      { admitted: true, usedBefore: 0 },
      { admitted: true, usedBefore: 0 },
      { admitted: false, reason: 'over_limits' },
      { admitted: false, reason: 'past_due' },
      { admitted: true, usedBefore: 600 },
    ]);
    expect(await writtenUploads(limited)).toEqual([600, 300]);
    expect(await reservedBytes(limited)).toBe(900);
    // An account without limits never has bytes reserved (its row is not even locked).
    expect(await writtenUploads(open)).toEqual([5000]);
    expect(await reservedBytes(open)).toBe(0);
    expect(await writtenUploads(owing)).toEqual([]);
  });

  test('concurrent presigns share statements and together never pass the quota', async () => {
    const accountId = await insertAccount(db.pool);
    await setQuota(accountId, 10_000);
    const statements: string[] = [];
    const countingPool = new Proxy(db.pool, {
      get(target, property, receiver) {
        if (property !== 'any') return Reflect.get(target, property, receiver) as unknown;
        return (query: { sql: string }) => {
          statements.push(query.sql);
          return target.any(query as Parameters<typeof target.any>[0]);
        };
      },
    });
    const admissions = uploadAdmissions(countingPool, unlimited);

    const results = await Promise.all(Array.from({ length: 40 }, () => admissions.admit(upload(accountId, 1000))));

    expect(results.filter((result) => result.admitted)).toHaveLength(10);
    expect(await reservedBytes(accountId)).toBe(10_000);
    expect(statements.length).toBeLessThan(40);
  });

  test('an upload the database refuses fails alone; the rest of its batch is admitted', async () => {
    const accountId = await insertAccount(db.pool);
    const admissions = uploadAdmissions(db.pool, unlimited);
    const taken = upload(accountId, 10);
    await admissions.admit(taken);

    const [first, duplicateKey, orphan, last] = await Promise.allSettled([
      admissions.admit(upload(accountId, 20)),
      admissions.admit({ ...upload(accountId, 30), objectKey: taken.objectKey }),
      admissions.admit(upload(uuidv7(), 40)),
      admissions.admit(upload(accountId, 50)),
    ]);

    expect(first).toMatchObject({ status: 'fulfilled', value: { admitted: true } });
    expect(duplicateKey).toMatchObject({ status: 'rejected' });
    // No such account: nothing to admit against, so it is refused, not written.
    expect(orphan).toMatchObject({ status: 'fulfilled', value: { admitted: false, reason: 'over_limits' } });
    expect(last).toMatchObject({ status: 'fulfilled', value: { admitted: true } });
    expect(await writtenUploads(accountId)).toEqual([10, 20, 50]);
  });
});
