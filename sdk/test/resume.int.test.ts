// Resume after the uploading process is killed: a child process uploads over a slow link and is
// SIGKILLed once storage holds some parts; the test then resumes the upload by id alone.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Baketsu, type UploadProgress } from '../src/index.node.js';
import { SMALL_MULTIPART, STORES, useSdkTestApi } from './support/api.js';
import { MIB, randomFile, sha256OfUrl } from './support/data.js';

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
    let held = 0;
    for (let i = 0; i < 400 && held < 2; i++) {
      held = (await shared.api.client.uploads.get(uploadId)).parts?.length ?? 0;
      if (held < 2) await new Promise((resolve) => setTimeout(resolve, 25));
    }
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
    const file = await resumer.uploads.resume(uploadId, path, { onProgress: (p) => events.push(p) });

    expect(puts.length).toBe(9 - heldParts);
    expect(events[0]!.loaded).toBe(heldParts * 5 * MIB);
    expect(events.at(-1)).toEqual({ loaded: size, total: size });
    expect((await shared.api.client.uploads.get(uploadId)).status).toBe('completed');
    const { url } = await shared.api.client.files.downloadUrl(file.id);
    expect(await sha256OfUrl(url)).toEqual({ sha256, size });
    // Resuming a completed upload returns its file.
    expect((await shared.api.client.uploads.resume(uploadId, path)).id).toBe(file.id);
  });

  it('finishes a single-PUT upload that never sent its bytes, under the same upload', async () => {
    const uploads = shared.api.client.uploads;
    const { path, sha256 } = await randomFile(3 * MIB + 5);
    const pending = await uploads.presign({ name: 'small.bin', size: 3 * MIB + 5, content_type: 'application/octet-stream' });
    expect(pending.type).toBe('single');
    await expect(uploads.resume(pending.upload_id, new Uint8Array(7))).rejects.toBeInstanceOf(RangeError);

    const file = await uploads.resume(pending.upload_id, path);

    expect((await uploads.get(pending.upload_id)).status).toBe('completed');
    const { url } = await shared.api.client.files.downloadUrl(file.id);
    expect(await sha256OfUrl(url)).toEqual({ sha256, size: 3 * MIB + 5 });
  });
});
