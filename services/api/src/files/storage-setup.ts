// Builds the configured object store (called from the composition root only, which makes its clients).
import path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import type { Router } from 'express';
import type { Clock } from '@baketsu/platform/clock';
import { ConfigError } from '@baketsu/platform/config';
import type { S3Clients } from '#src/adapters.js';
import type { Config } from '#src/platform/config.js';
import { loadOrCreateEmbeddedSecret } from '#src/platform/embedded-secrets.js';
import { localDiskObjectStore, type LocalDiskNotification } from '#src/storage/local-disk-object-store.js';
import { localDiskRouter } from '#src/storage/local-disk-router.js';
import type { ObjectStore } from '#src/storage/object-store.js';
import { s3ObjectStore } from '#src/storage/s3-object-store.js';

export interface StorageSetup {
  store: ObjectStore;
  /** Embedded mode: serves the local store's signed URLs; mount at `/storage` before any body parser. */
  router?: Router;
  /** Embedded mode's stand-in for S3 → SQS notifications. */
  onNotification(listener: (notification: LocalDiskNotification) => void): void;
  description: string;
  close(): void;
}

/** `s3`: the store's clients when STORAGE_DRIVER is s3 (`s3ClientsFromConfig`); their owner destroys them. */
export async function storageFromConfig(config: Config, clock: Clock, s3?: S3Clients): Promise<StorageSetup> {
  if (config.STORAGE_DRIVER === 's3') {
    if (!s3) throw new Error('STORAGE_DRIVER=s3 needs the S3 clients (see s3ClientsFromConfig)');
    return await s3Storage(config, clock, s3);
  }
  const listeners: Array<(notification: LocalDiskNotification) => void> = [];
  const options = {
    rootDir: config.STORAGE_LOCAL_DIR ?? path.join(config.DATA_DIR, 'storage'),
    signingSecret: config.STORAGE_LOCAL_SECRET ?? (await loadOrCreateEmbeddedSecret(config.DATA_DIR, 'storage')),
    clock,
    notify: (notification: LocalDiskNotification) => listeners.forEach((listener) => listener(notification)),
  };
  return {
    store: localDiskObjectStore({ ...options, baseUrl: `${config.PUBLIC_URL.replace(/\/$/, '')}/storage` }),
    router: localDiskRouter(options),
    onNotification: (listener) => void listeners.push(listener),
    description: `local disk in ${path.resolve(options.rootDir)}`,
    close() {},
  };
}

async function s3Storage(config: Config, clock: Clock, { client, presignClient }: S3Clients): Promise<StorageSetup> {
  await ensureBucket(client, config.S3_BUCKET, config.S3_CREATE_BUCKET);
  return {
    store: s3ObjectStore({ client, presignClient, bucket: config.S3_BUCKET, clock }),
    onNotification() {},
    description: `S3 bucket ${config.S3_BUCKET}${config.S3_ENDPOINT ? ` at ${config.S3_ENDPOINT}` : ''}`,
    close() {},
  };
}

/**
 * A missing bucket stops the start with a message that says so, rather than every upload failing
 * later with an error from storage. Created only when asked (development, docker compose): in
 * production the bucket, its policy and its notifications belong to whoever provisions storage.
 */
async function ensureBucket(client: S3Client, bucket: string, create: boolean): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    // Credentials without s3:ListBucket cannot look; uploads will say soon enough if it is missing.
    if (status === 403) return;
    if (status !== 404) throw error;
  }
  if (!create) {
    throw new ConfigError(`S3_BUCKET: bucket "${bucket}" does not exist; create it, or set S3_CREATE_BUCKET=true to have Baketsu create it`);
  }
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}
