// Helpers for the files integration tests: accounts, a fresh versitygw bucket, and an HTTP client.
import { createHash, randomUUID } from 'node:crypto';

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

export { createTestBucket, type TestBucket } from '#src/platform/testing/test-bucket.js';

/** Presign, PUT and complete; returns the file. */
export async function uploadFile(
  client: Client,
  name: string,
  body: string | Uint8Array = `content of ${name}`,
  contentType = 'text/plain',
): Promise<{ id: string; name: string; path: string; folder_id: string | null; size: number; content_type: string; tags: string[] }> {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const presign = await client.call('POST', '/v1/files/presign', { name, size, content_type: contentType });
  if (presign.status !== 201) throw new Error(`presign: ${presign.status} ${JSON.stringify(presign.body)}`);
  const put = await putTo(presign.body, body);
  if (put.status !== 200) throw new Error(`PUT: ${put.status} ${await put.text()}`);
  const complete = await client.call('POST', '/v1/files/complete', { upload_id: presign.body.upload_id });
  // 200: the storage notification follower adopted the object first (the test API runs it, as
  // production does); the file is the same.
  if (complete.status !== 201 && complete.status !== 200) throw new Error(`complete: ${complete.status} ${JSON.stringify(complete.body)}`);
  return complete.body;
}
