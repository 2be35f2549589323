import { DeleteBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, test } from 'vitest';
import { systemClock } from '@baketsu/platform/clock';
import { ConfigError } from '@baketsu/platform/config';
import { parseConfig } from '#src/platform/config.js';
import { createTestBucket, type TestBucket } from './testing/files-test-kit.js';
import { destroyS3Clients, s3ClientsFromConfig } from '#src/adapters.js';
import { storageFromConfig } from './storage-setup.js';

// The settings of a real bucket on versitygw, pointed at one that does not exist.
const existing: TestBucket = await createTestBucket();
const missingBucket = `${existing.bucket}-absent`;
const settings = (extra: Record<string, string>) =>
  parseConfig({ NODE_ENV: 'test', ...existing.env, S3_BUCKET: missingBucket, ...extra });

// One pair of clients serves every setup here: as in composeApi, the store gets them, not their lifetime.
const clients = s3ClientsFromConfig(settings({}));

afterAll(async () => {
  await clients.client.send(new DeleteBucketCommand({ Bucket: missingBucket })).catch(() => undefined);
  destroyS3Clients(clients);
  await existing.drop();
});

test('a missing bucket stops the start with a message naming it and the setting that would create it', async () => {
  const refused = await storageFromConfig(settings({}), systemClock, clients).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(ConfigError);
  expect((refused as Error).message).toContain(missingBucket);
  expect((refused as Error).message).toContain('S3_CREATE_BUCKET');
});

test('with S3_CREATE_BUCKET it is created, and an existing bucket is used as it is', async () => {
  const created = await storageFromConfig(settings({ S3_CREATE_BUCKET: 'true' }), systemClock, clients);
  created.close();
  await expect(clients.client.send(new HeadBucketCommand({ Bucket: missingBucket }))).resolves.toBeDefined();

  const again = await storageFromConfig(settings({ S3_CREATE_BUCKET: 'true' }), systemClock, clients);
  again.close();
  const plain = await storageFromConfig(parseConfig({ NODE_ENV: 'test', ...existing.env }), systemClock, clients);
  plain.close();
});
