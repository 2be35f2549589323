// A real Baketsu API for SDK tests: its own PostgreSQL database, and either the embedded local store
// or versitygw (SigV4 checked, expired URLs refused) behind STORAGE_DRIVER=s3.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { CreateBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestApi, type TestApi } from '@baketsu/api/testing';
import { Baketsu } from '../../src/index.node.js';
import { removeRandomFiles } from './data.js';

export type StoreKind = 'local' | 's3';
export const STORES: StoreKind[] = ['local', 's3'];

const MIB = 1024 * 1024;
/** Small multipart settings so a "large" upload is a few MiB in ordinary runs. */
export const SMALL_MULTIPART = { MULTIPART_THRESHOLD_BYTES: String(5 * MIB), MULTIPART_PART_SIZE_BYTES: String(5 * MIB) };

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run \`eval "$(bash scripts/services up)"\` first (npm test does it)`);
  return value;
}

/** A fresh versitygw bucket; `corsOrigin` lets a page at that origin PUT and GET (browser tests). */
export async function s3Env(corsOrigin?: string): Promise<Record<string, string>> {
  const bucket = `sdk-${randomUUID().slice(0, 13)}`;
  const s3 = new S3Client({
    endpoint: requireEnv('TEST_S3_ENDPOINT'),
    region: requireEnv('TEST_S3_REGION'),
    credentials: { accessKeyId: requireEnv('TEST_S3_ACCESS_KEY'), secretAccessKey: requireEnv('TEST_S3_SECRET_KEY') },
    forcePathStyle: true,
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  if (corsOrigin) {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: [corsOrigin], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] },
      }),
    );
  }
  s3.destroy();
  return {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: requireEnv('TEST_S3_ENDPOINT'),
    S3_REGION: requireEnv('TEST_S3_REGION'),
    S3_ACCESS_KEY_ID: requireEnv('TEST_S3_ACCESS_KEY'),
    S3_SECRET_ACCESS_KEY: requireEnv('TEST_S3_SECRET_KEY'),
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: bucket,
  };
}

export interface SdkTestApi {
  api: TestApi;
  /** A client with an API key holding every scope. */
  client: Baketsu;
  apiKey: string;
  accessToken: string;
  stop(): Promise<void>;
}

export async function startSdkTestApi(
  store: StoreKind,
  options: { env?: Record<string, string>; clock?: { now(): Date }; corsOrigin?: string } = {},
): Promise<SdkTestApi> {
  const storeEnv = store === 's3' ? await s3Env(options.corsOrigin) : {};
  const api = await startTestApi({ env: { ...storeEnv, ...options.env }, ...(options.clock ? { clock: options.clock } : {}) });
  const anonymous = new Baketsu({ baseUrl: api.url });
  const email = `sdk-${randomUUID()}@example.com`;
  await anonymous.auth.register({ email, password: 'correct horse battery' });
  const { access_token: accessToken } = await anonymous.auth.login({ email, password: 'correct horse battery' });
  const session = new Baketsu({ baseUrl: api.url, accessToken });
  const key = await session.apiKeys.create({ name: 'sdk tests', scopes: ['read', 'write', 'delete'] });
  return { api, client: new Baketsu({ baseUrl: api.url, apiKey: key.secret }), apiKey: key.secret, accessToken, stop: () => api.stop() };
}

/** The bytes behind a file's download URL. */
export async function download(client: Baketsu, fileId: string): Promise<Buffer> {
  const { url } = await client.files.downloadUrl(fileId);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download failed: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer());
}

/** One API per describe block: started before its first test, stopped (with its random files) after its last. */
export function useSdkTestApi(store: StoreKind, options: Parameters<typeof startSdkTestApi>[1]): { readonly api: SdkTestApi } {
  const handle = {} as { api: SdkTestApi };
  beforeAll(async () => {
    handle.api = await startSdkTestApi(store, options);
  });
  afterAll(async () => {
    await removeRandomFiles();
    await handle.api?.stop();
  });
  return handle;
}
