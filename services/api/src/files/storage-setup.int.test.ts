import { DeleteBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, test } from 'vitest';
import { systemClock } from '@baketsu/platform/clock';
import { ConfigError } from '@baketsu/platform/config';
import { parseConfig } from '#src/platform/config.js';
import { createTestBucket, type TestBucket } from './testing/files-test-kit.js';
import { s3ClientFromConfig, storageFromConfig } from './storage-setup.js';

// The settings of a real bucket on versitygw, pointed at one that does not exist.
const existing: TestBucket = await createTestBucket();
const missingBucket = `${existing.bucket}-absent`;
const settings = (extra: Record<string, string>) =>
  parseConfig({ NODE_ENV: 'test', ...existing.env, S3_BUCKET: missingBucket, ...extra });

afterAll(async () => {
  const s3 = s3ClientFromConfig(settings({}));
  await s3.send(new DeleteBucketCommand({ Bucket: missingBucket })).catch(() => undefined);
  s3.destroy();
  await existing.drop();
});

test('a missing bucket stops the start with a message naming it and the setting that would create it', async () => {
  const refused = await storageFromConfig(settings({}), systemClock).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ConfigError);
  expect((refused as Error).message).toContain(missingBucket);
  expect((refused as Error).message).toContain('S3_CREATE_BUCKET');
});

test('with S3_CREATE_BUCKET it is created, and an existing bucket is used as it is', async () => {
  const created = await storageFromConfig(settings({ S3_CREATE_BUCKET: 'true' }), systemClock);
  created.close();
  const s3 = s3ClientFromConfig(settings({}));
  await expect(s3.send(new HeadBucketCommand({ Bucket: missingBucket }))).resolves.toBeDefined();
  s3.destroy();

  const again = await storageFromConfig(settings({ S3_CREATE_BUCKET: 'true' }), systemClock);
  again.close();
  const plain = await storageFromConfig(parseConfig({ NODE_ENV: 'test', ...existing.env }), systemClock);
  plain.close();
});
