// A real Baketsu API for SDK tests: its own PostgreSQL database, and either the embedded local store
// or versitygw (SigV4 checked, expired URLs refused) behind STORAGE_DRIVER=s3.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createTestBucket, startTestApi, type TestApi } from '@baketsu/api/testing';
import { startEmbeddedMetering } from '@baketsu/metering/embedded';
import pino from 'pino';
import { Baketsu } from '../../src/index.node.js';
import { removeRandomFiles } from './data.js';

export type StoreKind = 'local' | 's3';
export const STORES: StoreKind[] = ['local', 's3'];

const MIB = 1024 * 1024;
/** Small multipart settings so a "large" upload is a few MiB in ordinary runs. */
export const SMALL_MULTIPART = { MULTIPART_THRESHOLD_BYTES: String(5 * MIB), MULTIPART_PART_SIZE_BYTES: String(5 * MIB) };


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
  options: { env?: Record<string, string>; clock?: { now(): Date }; corsOrigin?: string; metering?: boolean } = {},
): Promise<SdkTestApi> {
  const bucket = store === 's3' ? await createTestBucket({ prefix: 'sdk', ...(options.corsOrigin ? { corsOrigin: options.corsOrigin } : {}) }) : undefined;
  const api = await startTestApi({
    env: { ...bucket?.env, ...options.env },
    ...(options.clock ? { clock: options.clock } : {}),
    // Usage moves only when something folds the outbox: metering in-process, as `npm start` runs it.
    ...(options.metering ? { workers: [({ database }) => startEmbeddedMetering({ pool: database.pool, logger: pino({ level: 'silent' }), intervalMs: 100 })] } : {}),
  });
  const anonymous = new Baketsu({ baseUrl: api.url });
  const email = `sdk-${randomUUID()}@example.com`;
  await anonymous.auth.register({ email, password: 'correct horse battery' });
  const { access_token: accessToken } = await anonymous.auth.login({ email, password: 'correct horse battery' });
  const session = new Baketsu({ baseUrl: api.url, accessToken });
  const key = await session.apiKeys.create({ name: 'sdk tests', scopes: ['read', 'write', 'delete'] });
  return { api, client: new Baketsu({ baseUrl: api.url, apiKey: key.secret }), apiKey: key.secret, accessToken,
    async stop() {
      await api.stop();
      await bucket?.drop();
    },
  };
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
