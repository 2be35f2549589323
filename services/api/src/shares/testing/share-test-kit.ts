// Helpers for the share links' integration tests: the owner's calls go through the files test
// kit's client; the public ones carry no credentials at all, as the public page's do.
import { expect } from 'vitest';
import type { Client } from '#src/files/testing/files-test-kit.js';

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

export const publicShare = async (baseUrl: string, token: string): Promise<Answer> =>
  answer(await fetch(`${baseUrl}/v1/public/shares/${encodeURIComponent(token)}`));

export async function publicDownload(baseUrl: string, token: string, body?: { password?: string; file_id?: string }, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(
    await fetch(`${baseUrl}/v1/public/shares/${encodeURIComponent(token)}/download`, {
      method: 'POST',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

/** The public file listing of a link (POST, so a password travels in the body). */
export async function publicFiles(baseUrl: string, token: string, body: { password?: string; limit?: number; cursor?: string } = {}): Promise<Answer> {
  return answer(
    await fetch(`${baseUrl}/v1/public/shares/${encodeURIComponent(token)}/files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

/** Creates a folder link and checks the answer carries its token. */
export async function shareFolder(client: Client, folderId: string, options: Record<string, unknown> = {}) {
  const created = await client.call('POST', `/v1/folders/${folderId}/shares`, options);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; token: string; url: string; target: unknown; status: string };
}

/** Creates a link and checks the answer carries its token. */
export async function share(client: Client, fileId: string, options: Record<string, unknown> = {}): Promise<{ id: string; token: string; url: string }> {
  const created = await client.call('POST', `/v1/files/${fileId}/shares`, options);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

/** A problem+json answer with this status and code. */
export function expectProblem(response: Answer, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}
