// The S3 adapter against a real S3 server (versitygw from `scripts/services up`).
import { randomUUID } from 'node:crypto';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Clock } from '@baketsu/platform/clock';
import { objectStoreContract, send } from '#src/storage/object-store.contract.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import { s3ObjectStore } from '#src/storage/s3-object-store.js';
import { createTestBucket, type TestBucket } from '#src/platform/testing/index.js';

function s3Config(): S3ClientConfig {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run eval "$(bash scripts/services up)"`);
    return value;
  };
  return {
    endpoint: env('TEST_S3_ENDPOINT'),
    region: env('TEST_S3_REGION'),
    credentials: { accessKeyId: env('TEST_S3_ACCESS_KEY'), secretAccessKey: env('TEST_S3_SECRET_KEY') },
    forcePathStyle: true,
  };
}

// One bucket per test file, so parallel files never see each other's objects.
let testBucket: TestBucket;
let bucket: string;
let client: S3Client;
let presignClient: S3Client;
let store: ObjectStore;
const storeAt = (clock?: Clock) => s3ObjectStore({ client, presignClient, bucket, clock });

beforeAll(async () => {
  const config = s3Config();
  client = new S3Client(config);
  presignClient = new S3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' });
  testBucket = await createTestBucket({ prefix: 'baketsu-storage' });
  bucket = testBucket.bucket;
  store = storeAt();
});
afterAll(async () => {
  client?.destroy();
  presignClient?.destroy();
  await testBucket?.drop();
});

objectStoreContract(() => ({ store, storeAt }), {
  signature: 'X-Amz-Signature',
  disposition: 'response-content-disposition',
});

describe('S3 specifics', () => {
  test('URLs sign content-length, content-type, the checksum and the create-only condition as headers', async () => {
    const request = await store.presignPut(`s3/${randomUUID()}`, {
      size: 3,
      contentType: 'text/plain',
      sha256Base64: 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=',
      expiresInSeconds: 60,
    });
    const query = new URL(request.url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;if-none-match;x-amz-checksum-sha256');
    // Not hoisted into the query: S3 only verifies a checksum sent as a header.
    expect(query.has('x-amz-checksum-sha256')).toBe(false);
    expect(query.get('X-Amz-Expires')).toBe('60');
    expect((await send(request, Buffer.from('abc'))).status).toBe(200);
  });

  test('refuses a presigning client that would bake checksums into URLs', async () => {
    const careless = s3ObjectStore({ client, bucket }); // default client: WHEN_SUPPORTED
    await expect(
      careless.presignPut(`s3/${randomUUID()}`, { size: 1, contentType: 'text/plain', expiresInSeconds: 60 }),
    ).rejects.toThrow(/WHEN_REQUIRED/);
  });
});
