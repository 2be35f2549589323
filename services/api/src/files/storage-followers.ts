// Composition helper: follow the configured store's notifications (SQS or in-process).
import { SQSClient } from '@aws-sdk/client-sqs';
import type { FilesDeps } from './files-deps.js';
import { followLocalNotifications, sqsNotificationConsumer } from './storage-notifications.js';
import type { StorageSetup } from './storage-setup.js';

export function startStorageFollowers(deps: FilesDeps, storage: StorageSetup): { stop(): Promise<void> } {
  const { config } = deps;
  if (config.STORAGE_DRIVER === 'local') {
    followLocalNotifications(deps, storage);
    return { stop: async () => {} };
  }
  if (!config.SQS_QUEUE_URL) {
    deps.logger.info('SQS_QUEUE_URL not set: uncompleted uploads are found by reconciliation only');
    return { stop: async () => {} };
  }
  const sqs = new SQSClient({
    region: config.S3_REGION,
    ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } }
      : {}),
  });
  const consumer = sqsNotificationConsumer(deps, sqs, { queueUrl: config.SQS_QUEUE_URL, bucket: config.S3_BUCKET });
  consumer.start();
  return {
    async stop() {
      await consumer.stop();
      sqs.destroy();
    },
  };
}
