import { BackendTerminatedError, type DatabasePool } from 'slonik';
import { expect, test, vi } from 'vitest';
import { isLostDatabaseConnection } from '@baketsu/platform/connection-loss';
import type { NewUpload } from './upload-repository.js';
import { uploadAdmissions } from './upload-admissions.js';

const limits = { defaultQuotaBytes: null, defaultCeilingMicros: null, priceMicros: '0', unverifiedLimitBytes: null };
const upload = (id: string): NewUpload => ({
  id, accountId: 'a', objectKey: `k/${id}`, name: `${id}.bin`, size: 1, contentType: 'application/octet-stream',
  sha256: null, partSize: null, partCount: null, createdAt: new Date(0),
});

test('a batch whose connection was lost is not admitted again upload by upload: its statement may have committed', async () => {
  const lost = new BackendTerminatedError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
  const any = vi.fn().mockRejectedValue(lost);
  const admissions = uploadAdmissions({ any } as unknown as DatabasePool, limits);
  const answers = await Promise.allSettled([admissions.admit(upload('1')), admissions.admit(upload('2'))]);
  // Admitting each again would insert an id the lost statement may already have committed (a 500).
  expect(any).toHaveBeenCalledTimes(1);
  for (const answer of answers) {
    expect(answer.status).toBe('rejected');
    expect(isLostDatabaseConnection((answer as PromiseRejectedResult).reason)).toBe(true);
  }
});

test('a batch the database refuses for another reason is admitted upload by upload', async () => {
  const any = vi
    .fn()
    .mockRejectedValueOnce(new Error('insert or update on table "uploads" violates foreign key constraint'))
    .mockResolvedValueOnce([{ upload_id: '1', refused_past_due: false, used_before_bytes: 0 }])
    .mockRejectedValueOnce(new Error('account gone'));
  const admissions = uploadAdmissions({ any } as unknown as DatabasePool, limits);
  const [first, second] = await Promise.allSettled([admissions.admit(upload('1')), admissions.admit(upload('2'))]);
  expect(any).toHaveBeenCalledTimes(3);
  expect(first).toEqual({ status: 'fulfilled', value: { admitted: true, usedBefore: 0 } });
  expect(second.status).toBe('rejected');
});
