// Storage notifications: S3 → SQS in scaled mode, the local store's callback in embedded mode.
// Both feed the same idempotent handlers; anything missed is caught by reconciliation.
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FilesDeps } from './files-deps.js';
import type { StorageSetup } from './storage-setup.js';
import { objectCreated, objectRemoved } from './storage-events.js';
import { uploadRepository } from './upload-repository.js';

export interface StorageNotification {
  type: 'created' | 'removed';
  key: string;
}

/** S3 event notification JSON → notifications. Test events and other buckets' records are ignored. */
export function parseS3Notification(body: string, bucket: string): StorageNotification[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const records = (parsed as { Records?: unknown }).Records;
  if (!Array.isArray(records)) return [];
  return records.flatMap((record: { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } }): StorageNotification[] => {
    const key = record.s3?.object?.key;
    if (typeof key !== 'string' || record.s3?.bucket?.name !== bucket) return [];
    // S3 form-encodes keys in notifications ('+' for space).
    const decoded = decodeURIComponent(key.replace(/\+/g, ' '));
    if (record.eventName?.startsWith('ObjectCreated:')) return [{ type: 'created', key: decoded }];
    if (record.eventName?.startsWith('ObjectRemoved:')) return [{ type: 'removed', key: decoded }];
    return [];
  });
}

/** `'later'` when a just-uploaded object should be looked at again (its client may still complete it). */
export async function handleNotification(deps: FilesDeps, notification: StorageNotification): Promise<'done' | 'later'> {
  if (notification.type === 'removed') {
    await objectRemoved(deps, notification.key);
    return 'done';
  }
  const upload = await uploadRepository.findByKey(deps.pool, notification.key);
  const head = upload?.status === 'pending' ? await deps.store.headObject(notification.key) : null;
  if (head && deps.clock.now().getTime() - head.lastModified.getTime() < deps.config.ADOPT_AFTER_SECONDS * 1000) return 'later';
  await objectCreated(deps, notification.key);
  return 'done';
}

/** Embedded mode: the local store calls back in-process; "later" is a timer. */
export function followLocalNotifications(deps: FilesDeps, storage: StorageSetup): void {
  const handle = (notification: StorageNotification) => {
    handleNotification(deps, notification).then(
      (outcome) => {
        if (outcome === 'later') setTimeout(() => handle(notification), deps.config.ADOPT_AFTER_SECONDS * 1000).unref();
      },
      (error: unknown) => deps.logger.warn({ err: error, key: notification.key }, 'storage notification failed; reconciliation will catch up'),
    );
  };
  storage.onNotification((n) => handle({ type: n.type === 'ObjectCreated' ? 'created' : 'removed', key: n.key }));
}

/** Scaled mode: `start` long-polls the queue until stopped. A message is deleted only once handled. */
export function sqsNotificationConsumer(deps: FilesDeps, sqs: SQSClient, options: { queueUrl: string; bucket: string; waitSeconds?: number }) {
  const abort = new AbortController();
  async function pollOnce(): Promise<number> {
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: options.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: options.waitSeconds ?? 20 }),
      { abortSignal: abort.signal },
    );
    let handled = 0;
    for (const message of received.Messages ?? []) {
      const notifications = parseS3Notification(message.Body ?? '', options.bucket);
      const outcomes = await Promise.all(notifications.map((n) => handleNotification(deps, n)));
      if (outcomes.includes('later')) {
        await sqs.send(new ChangeMessageVisibilityCommand({
          QueueUrl: options.queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: Math.max(1, deps.config.ADOPT_AFTER_SECONDS),
        }));
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: message.ReceiptHandle }));
      handled++;
    }
    return handled;
  }
  let loop: Promise<void> = Promise.resolve();
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        await pollOnce();
      } catch (error) {
        if (abort.signal.aborted) return;
        deps.logger.warn({ err: error }, 'SQS poll failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 5000).unref());
      }
    }
  };
  return {
    pollOnce,
    start() {
      loop = run();
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
