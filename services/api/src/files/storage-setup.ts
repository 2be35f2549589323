// Builds the configured object store (called from the composition roots only).
import path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Router } from 'express';
import type { Clock } from '@baketsu/platform/clock';
import { ConfigError } from '@baketsu/platform/config';
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

export async function storageFromConfig(config: Config, clock: Clock): Promise<StorageSetup> {
  if (config.STORAGE_DRIVER === 's3') return await s3Storage(config, clock);
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

export function s3ClientFromConfig(config: Config, endpoint = config.S3_ENDPOINT): S3Client {
  return new S3Client({
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    ...(endpoint ? { endpoint } : {}),
    ...(config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
      ? { credentials: { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY } }
      : {}),
    // Without these the SDK bakes a checksum of an empty body into presigned URLs.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function s3Storage(config: Config, clock: Clock): Promise<StorageSetup> {
  const client = s3ClientFromConfig(config);
  await ensureBucket(client, config.S3_BUCKET, config.S3_CREATE_BUCKET);
  const presignClient = config.S3_PUBLIC_ENDPOINT ? s3ClientFromConfig(config, config.S3_PUBLIC_ENDPOINT) : client;
  return {
    store: s3ObjectStore({ client, presignClient, bucket: config.S3_BUCKET, clock }),
    onNotification() {},
    description: `S3 bucket ${config.S3_BUCKET}${config.S3_ENDPOINT ? ` at ${config.S3_ENDPOINT}` : ''}`,
    close() {
      client.destroy();
      if (presignClient !== client) presignClient.destroy();
    },
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
