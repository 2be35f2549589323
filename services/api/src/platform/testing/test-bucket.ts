// A fresh bucket on the test S3 server (versitygw) for one test file or benchmark, and its removal.
// versitygw keeps buckets as folders under the git-ignored .cache, so a bucket left behind is disk
// gone for good on a developer's machine (gigabytes after the SDK's large-upload tests).
import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { requireTestEnv } from '@baketsu/platform/testing';

export interface TestBucket {
  /** The API's settings for this bucket. */
  env: Record<string, string>;
  s3: S3Client;
  bucket: string;
  /** Every object key in the bucket. */
  keys(): Promise<string[]>;
  /** Empties the bucket (objects and unfinished multipart uploads) and deletes it. */
  drop(): Promise<void>;
}

/** `corsOrigin` lets a page at that origin PUT and GET (browser tests). */
export async function createTestBucket(options: { prefix?: string; corsOrigin?: string } = {}): Promise<TestBucket> {
  const bucket = `${options.prefix ?? 'baketsu-test'}-${randomUUID().slice(0, 13)}`;
  const env = {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: requireTestEnv('TEST_S3_ENDPOINT'),
    S3_REGION: requireTestEnv('TEST_S3_REGION'),
    S3_ACCESS_KEY_ID: requireTestEnv('TEST_S3_ACCESS_KEY'),
    S3_SECRET_ACCESS_KEY: requireTestEnv('TEST_S3_SECRET_KEY'),
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: bucket,
  };
  const s3 = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (options.corsOrigin) {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: [options.corsOrigin], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }],
        },
      }),
    );
  }
  const keys = async () => {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) found.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  };
  return {
    env,
    s3,
    bucket,
    keys,
    async drop() {
      try {
        await emptyBucket(s3, bucket, keys);
        await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      } finally {
        s3.destroy();
      }
    },
  };
}

async function emptyBucket(s3: S3Client, bucket: string, keys: () => Promise<string[]>): Promise<void> {
  const all = await keys();
  for (let i = 0; i < all.length; i += 1000) {
    const batch = all.slice(i, i + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
  }
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
}
