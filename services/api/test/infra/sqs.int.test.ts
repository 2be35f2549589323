import {
  CreateBucketCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { requireEnv, uniqueName } from './env.js';

// moto accepts any credentials; region must match the ARNs it hands out.
const endpoint = requireEnv('TEST_MOTO_ENDPOINT');
const region = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('SQS (moto server)', () => {
  const sqs = new SQSClient({ endpoint, region, credentials });
  const queues: string[] = [];

  afterAll(async () => {
    for (const QueueUrl of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    sqs.destroy();
  });

  async function createQueue(): Promise<string> {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('infra-test') }));
    expect(QueueUrl).toBeTruthy();
    queues.push(QueueUrl!);
    return QueueUrl!;
  }

  it('creates a queue, sends a message and receives the same body', async () => {
    const QueueUrl = await createQueue();
    const body = JSON.stringify({ hello: 'baketsu', at: Date.now() });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
    expect(sent.MessageId).toBeTruthy();

    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 2 }),
    );
    expect(got.Messages).toHaveLength(1);
    const [message] = got.Messages!;
    expect(message!.Body).toBe(body);
    expect(message!.MessageId).toBe(sent.MessageId);
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message!.ReceiptHandle }));
  });

  it("delivers moto S3's ObjectCreated notification to its SQS queue", async () => {
    const QueueUrl = await createQueue();
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
    try {
      const Bucket = uniqueName('infra-notify');
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: {
            QueueConfigurations: [{ QueueArn: Attributes!.QueueArn, Events: ['s3:ObjectCreated:*'] }],
          },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket, Key: 'acct_1/notified.txt', Body: 'abc' }));

      // AWS (and moto) first sends an s3:TestEvent when the configuration is set.
      const records: { eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[] =
        [];
      const deadline = Date.now() + 15_000;
      while (records.length === 0 && Date.now() < deadline) {
        const got = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        for (const m of got.Messages ?? []) records.push(...(JSON.parse(m.Body!).Records ?? []));
      }
      expect(records).toHaveLength(1);
      expect(records[0]!.eventName).toMatch(/^ObjectCreated:/);
      expect(records[0]!.s3.bucket.name).toBe(Bucket);
      // Like AWS, keys in event records are URL-encoded (form style: a space arrives as '+').
      expect(records[0]!.s3.object.key).toBe('acct_1%2Fnotified.txt');
      expect(decodeURIComponent(records[0]!.s3.object.key.replace(/\+/g, ' '))).toBe('acct_1/notified.txt');
      expect(records[0]!.s3.object.size).toBe(3);
    } finally {
      s3.destroy();
    }
  });
});
