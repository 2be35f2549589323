// Resume after the uploading process is killed: a child process uploads over a slow link and is
// SIGKILLed once storage holds some parts; the test then resumes the upload by id alone.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Baketsu, resumeWithPresigned, uploadWithPresigned, type UploadProgress, type UploadStart } from '../src/index.node.js';
import { SMALL_MULTIPART, STORES, useSdkTestApi } from './support/api.js';
import { bytesOf, MIB, randomFile, sha256, sha256OfUrl } from './support/data.js';

const child = fileURLToPath(new URL('./fixtures/upload-child.ts', import.meta.url));

describe.each(STORES)('resume with the %s store', (store) => {
  const shared = useSdkTestApi(store, { env: SMALL_MULTIPART });

  it('finishes an upload whose process was killed, sending only the missing parts', async () => {
    const size = 40 * MIB + 17;
    const { path, sha256 } = await randomFile(size);
    const proc = spawn(process.execPath, ['--import', 'tsx', child, shared.api.api.url, shared.api.apiKey, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.once('exit', (_code, signal) => resolve(signal)));
    const lines = createInterface({ input: proc.stdout! });
    const uploadId = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        const message = JSON.parse(line) as { uploadId?: string };
        if (message.uploadId) resolve(message.uploadId);
      });
      proc.once('exit', () => reject(new Error('the child exited before starting an upload')));
    });

    // Killed as soon as storage holds two parts, long before the eighth.
    await expect
      .poll(async () => (await shared.api.client.uploads.get(uploadId)).parts?.length ?? 0, { interval: 25, timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const before = await shared.api.client.uploads.get(uploadId);
    expect(before.status).toBe('pending');
    expect(before.part_count).toBe(9);
    const heldParts = before.parts!.length;
    expect(heldParts).toBeGreaterThanOrEqual(2);
    expect(heldParts).toBeLessThan(9);

    const puts: string[] = [];
    const counting: typeof fetch = (input, init) => {
      if (init?.method === 'PUT') puts.push(String(input));
      return fetch(input, init);
    };
    const resumer = new Baketsu({ baseUrl: shared.api.api.url, apiKey: shared.api.apiKey }, { fetch: counting });
    const events: UploadProgress[] = [];
    const starts: UploadStart[] = [];
    const file = await resumer.uploads.resume(uploadId, path, { onProgress: (p) => events.push(p), onStart: (start) => starts.push(start) });

    expect(puts.length).toBe(9 - heldParts);
    expect(starts).toEqual([{ uploadId, type: 'multipart', partSize: 5 * MIB, partCount: 9, resumedBytes: heldParts * 5 * MIB }]);
    expect(events[0]!.loaded).toBe(heldParts * 5 * MIB);
    expect(events.at(-1)).toEqual({ loaded: size, total: size });
    expect((await shared.api.client.uploads.get(uploadId)).status).toBe('completed');
    const { url } = await shared.api.client.files.downloadUrl(file.id);
    expect(await sha256OfUrl(url)).toEqual({ sha256, size });
    // Resuming a completed upload returns its file.
    expect((await shared.api.client.uploads.resume(uploadId, path)).id).toBe(file.id);
  });

  it('resumes a server-presigned upload from its id alone, as a page does after a reload', async () => {
    const uploads = shared.api.client.uploads;
    const bytes = bytesOf(12 * MIB + 5);
    const presign = await uploads.presign({ name: 'page.bin', size: bytes.length, content_type: 'application/octet-stream' });
    expect(presign.part_count).toBe(3);
    // The page goes away once storage holds the first part (one part at a time).
    const leaving = new AbortController();
    const firstPartThenLeave: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      leaving.abort(new Error('page closed'));
      return response;
    };
    await expect(uploadWithPresigned(bytes, presign, { concurrency: 1, signal: leaving.signal, fetch: firstPartThenLeave })).rejects.toThrow('page closed');

    const upload = await uploads.get(presign.upload_id);
    expect(upload.status).toBe('pending');
    expect(upload.parts?.map((part) => part.part_number)).toEqual([1]);
    const puts: string[] = [];
    const counting: typeof fetch = (input, init) => (puts.push(String(input)), fetch(input, init));
    const starts: UploadStart[] = [];
    const events: UploadProgress[] = [];
    const result = await resumeWithPresigned(new Blob([bytes]), upload, {
      signParts: (numbers, signal) => uploads.parts(presign.upload_id, numbers, { signal }),
      onStart: (start) => starts.push(start),
      onProgress: (progress) => events.push(progress),
      fetch: counting,
    });

    expect(result.parts?.map((part) => part.part_number)).toEqual([2, 3]);
    expect(puts).toHaveLength(2);
    expect(starts[0]?.resumedBytes).toBe(5 * MIB);
    expect(events[0]).toEqual({ loaded: 5 * MIB, total: bytes.length });
    const file = await uploads.complete(presign.upload_id);
    const { url } = await shared.api.client.files.downloadUrl(file.id);
    expect(await sha256OfUrl(url)).toEqual({ sha256: sha256(bytes), size: bytes.length });
  });

  it('finishes a single-PUT upload that never sent its bytes, under the same upload', async () => {
    const uploads = shared.api.client.uploads;
    const { path, sha256 } = await randomFile(3 * MIB + 5);
    const pending = await uploads.presign({ name: 'small.bin', size: 3 * MIB + 5, content_type: 'application/octet-stream' });
    expect(pending.type).toBe('single');
    await expect(uploads.resume(pending.upload_id, new Uint8Array(7))).rejects.toMatchObject({ name: 'UploadDataError', code: 'size_mismatch', uploadId: pending.upload_id });

    const file = await uploads.resume(pending.upload_id, path);

    expect((await uploads.get(pending.upload_id)).status).toBe('completed');
    const { url } = await shared.api.client.files.downloadUrl(file.id);
    expect(await sha256OfUrl(url)).toEqual({ sha256, size: 3 * MIB + 5 });
  });
});
