// Composition helper: follow the configured store's notifications (SQS or in-process).
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FilesDeps } from './files-deps.js';
import { followLocalNotifications, sqsNotificationConsumer } from './storage-notifications.js';
import type { StorageSetup } from './storage-setup.js';

/** `sqs`: the queue's client when SQS_QUEUE_URL is set (`sqsClientFromConfig`); its owner destroys it. */
export function startStorageFollowers(deps: FilesDeps, storage: StorageSetup, sqs: SQSClient | undefined): { stop(): Promise<void> } {
  const { config } = deps;
  if (config.STORAGE_DRIVER === 'local') {
    followLocalNotifications(deps, storage);
    return { stop: async () => {} };
  }
  if (!config.SQS_QUEUE_URL || !sqs) {
    deps.logger.info('SQS_QUEUE_URL not set: uncompleted uploads are found by reconciliation only');
    return { stop: async () => {} };
  }
  const consumer = sqsNotificationConsumer(deps, sqs, { queueUrl: config.SQS_QUEUE_URL, bucket: config.S3_BUCKET });
  consumer.start();
  return {
    stop: () => consumer.stop(),
  };
}
