import { CreateBucketCommand, DeleteObjectCommand, PutBucketNotificationConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireTestEnv, startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { putTo, signUp, uploadFile, type Client } from './testing/files-test-kit.js';

// moto's S3 notifies moto's SQS, as AWS S3 would notify SQS.
describe('S3 → SQS notifications (moto)', () => {
  const endpoint = requireTestEnv('TEST_MOTO_ENDPOINT');
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const region = 'us-east-1';
  const name = `baketsu-sqs-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  const sqs = new SQSClient({ endpoint, region, credentials });
  let queueUrl: string;
  let api: TestApi;
  let alice: Client;

  beforeAll(async () => {
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: name,
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: Attributes!.QueueArn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] }] },
      }),
    );
    api = await startTestApi({
      env: {
        STORAGE_DRIVER: 's3',
        S3_ENDPOINT: endpoint,
        S3_REGION: region,
        S3_BUCKET: name,
        S3_ACCESS_KEY_ID: 'test',
        S3_SECRET_ACCESS_KEY: 'test',
        S3_FORCE_PATH_STYLE: 'true',
        SQS_ENDPOINT: endpoint,
        SQS_QUEUE_URL: queueUrl,
        ADOPT_AFTER_SECONDS: '0',
      },
    });
    alice = await signUp(api.url);
  });
  afterAll(async () => {
    await api?.stop();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
    s3.destroy();
    sqs.destroy();
  });

  // The API's own SQS follower (started by the test kit as by the API process) receives the notification.
  async function until(check: () => Promise<boolean>): Promise<void> {
    await vi.waitFor(async () => expect(await check(), 'the notification was not handled').toBe(true), { timeout: 30_000, interval: 100 });
  }

  it('adopts an upload as soon as storage reports the object, without a complete call', async () => {
    const target = (await alice.call('POST', '/v1/files/presign', { name: 'notified.txt', size: 8, content_type: 'text/plain' })).body;
    expect((await putTo(target, 'notified')).status).toBe(200);
    await until(async () => (await alice.call('GET', `/v1/uploads/${target.upload_id}`)).body.status === 'completed');
    const files = (await alice.call('GET', '/v1/files')).body.items;
    expect(files.map((f: { name: string }) => f.name)).toContain('notified.txt');
  });

  it('stops billing a file whose object was removed behind the API', async () => {
    const file = await uploadFile(alice, 'removed-behind-our-back.txt');
    const key = await api.database.pool.oneFirst(sql.unsafe`select object_key from files where id = ${file.id}`);
    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: key as string }));
    await until(async () => (await alice.call('GET', `/v1/files/${file.id}`)).status === 404);
    const events = await api.database.pool.anyFirst(
      sql.unsafe`select event_type from outbox where event->'data'->>'file_id' = ${file.id} order by position`,
    );
    expect(events).toEqual(['file.stored', 'file.deleted']);
  });
});
