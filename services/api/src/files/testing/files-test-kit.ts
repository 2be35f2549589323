// Helpers for the files integration tests: accounts, a fresh versitygw bucket, and an HTTP client.
import { createHash, randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { requireTestEnv } from '#src/platform/testing/test-database.js';

export interface Client {
  token: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function signUp(baseUrl: string, email = `${randomUUID()}@example.com`): Promise<Client> {
  const json = (method: string, path: string, body: unknown, token?: string) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const credentials = { email, password: 'correct horse battery staple' };
  const registered = await json('POST', '/v1/auth/register', credentials);
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const { access_token: token } = (await (await json('POST', '/v1/auth/login', credentials)).json()) as { access_token: string };
  return {
    token,
    async call(method, path, body) {
      const response = await json(method, path, body, token);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
  };
}

export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** PUTs bytes to a presigned request exactly as a browser would (signed headers verbatim). */
export function putTo(target: { url: string; headers?: Record<string, string> }, body: Uint8Array | string): Promise<Response> {
  return fetch(target.url, { method: 'PUT', headers: target.headers ?? {}, body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]) });
}

export interface TestBucket {
  env: Record<string, string>;
  s3: S3Client;
  bucket: string;
  keys(): Promise<string[]>;
  drop(): Promise<void>;
}

/** A fresh bucket on the test S3 server (versitygw) and the settings that point the API at it. */
export async function createTestBucket(): Promise<TestBucket> {
  const env = {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: requireTestEnv('TEST_S3_ENDPOINT'),
    S3_REGION: requireTestEnv('TEST_S3_REGION'),
    S3_ACCESS_KEY_ID: requireTestEnv('TEST_S3_ACCESS_KEY'),
    S3_SECRET_ACCESS_KEY: requireTestEnv('TEST_S3_SECRET_KEY'),
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: `baketsu-files-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  };
  const s3 = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: env.S3_BUCKET }));
  const keys = async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: env.S3_BUCKET }));
    return (listed.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
  };
  return {
    env,
    s3,
    bucket: env.S3_BUCKET,
    keys,
    async drop() {
      for (const key of await keys()) await s3.send(new DeleteObjectCommand({ Bucket: env.S3_BUCKET, Key: key }));
      await s3.send(new DeleteBucketCommand({ Bucket: env.S3_BUCKET })).catch(() => undefined);
      s3.destroy();
    },
  };
}

/** Presign, PUT and complete; returns the file. */
export async function uploadFile(
  client: Client,
  name: string,
  body: string | Uint8Array = `content of ${name}`,
  contentType = 'text/plain',
): Promise<{ id: string; name: string; size: number; content_type: string; tags: string[] }> {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const presign = await client.call('POST', '/v1/files/presign', { name, size, content_type: contentType });
  if (presign.status !== 201) throw new Error(`presign: ${presign.status} ${JSON.stringify(presign.body)}`);
  const put = await putTo(presign.body, body);
  if (put.status !== 200) throw new Error(`PUT: ${put.status} ${await put.text()}`);
  const complete = await client.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
  if (complete.status !== 201) throw new Error(`complete: ${complete.status} ${JSON.stringify(complete.body)}`);
  return complete.body;
}
