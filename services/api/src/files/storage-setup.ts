// Builds the configured object store (called from the composition roots only).
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Router } from 'express';
import type { Clock } from '#src/platform/clock.js';
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
  if (config.STORAGE_DRIVER === 's3') return s3Storage(config, clock);
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

function s3Storage(config: Config, clock: Clock): StorageSetup {
  const client = s3ClientFromConfig(config);
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
