import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';
import { createTestBucket, putTo, sha256Hex, signUp, type Client, type TestBucket } from './testing/files-test-kit.js';

const MIB = 1024 * 1024;

describe.each(['local', 's3'] as const)('multipart upload (%s store)', (mode) => {
  let api: TestApi;
  let bucket: TestBucket | undefined;
  let alice: Client;
  const content = randomBytes(11 * MIB);

  beforeAll(async () => {
    bucket = mode === 's3' ? await createTestBucket() : undefined;
    api = await startTestApi({
      env: {
        ...bucket?.env,
        MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
        MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
        // Large enough that a declared size can need more than 10,000 parts.
        MAX_FILE_SIZE_BYTES: String(100 * 1024 * MIB),
      },
    });
    alice = await signUp(api.url);
  });
  afterAll(async () => {
    await api?.stop();
    await bucket?.drop();
  });

  const presign = async () => {
    const response = await alice.call('POST', '/v1/files/presign', { name: 'big.bin', size: content.length, content_type: 'application/octet-stream' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { upload_id: string; type: string; part_size: number; part_count: number; parts: Array<{ part_number: number; size: number; url: string; headers: Record<string, string> }> };
  };
  const partBytes = (n: number) => content.subarray((n - 1) * 5 * MIB, Math.min(n * 5 * MIB, content.length));

  it('plans parts, resumes from what storage holds with no client state, and completes', async () => {
    const plan = await presign();
    expect(plan).toMatchObject({ type: 'multipart', part_size: 5 * MIB, part_count: 3 });
    expect(plan.parts.map((p) => p.size)).toEqual([5 * MIB, 5 * MIB, MIB]);

    expect((await putTo(plan.parts[0]!, partBytes(1))).status).toBe(200);

    // "After a reload", with no state kept: find the upload, ask what storage holds, re-sign the rest.
    const pending = await alice.call('GET', '/v1/uploads');
    expect(pending.body.items.find((u: { name: string; size: number }) => u.name === 'big.bin' && u.size === content.length)?.upload_id).toBe(plan.upload_id);
    const state = await alice.call('GET', `/v1/uploads/${plan.upload_id}`);
    expect(state.body).toMatchObject({ status: 'pending', type: 'multipart', part_count: 3 });
    expect(state.body.parts.map((p: { part_number: number }) => p.part_number)).toEqual([1]);

    const early = await alice.call('POST', '/v1/files/complete', { upload_id: plan.upload_id });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('upload_incomplete');
    expect(early.body.detail).toContain('2, 3');

    const resigned = await alice.call('POST', `/v1/uploads/${plan.upload_id}/parts`, { part_numbers: [3, 2] });
    expect(resigned.status).toBe(200);
    expect(resigned.body.parts.map((p: { part_number: number }) => p.part_number)).toEqual([2, 3]);
    for (const part of resigned.body.parts) expect((await putTo(part, partBytes(part.part_number))).status).toBe(200);

    const wrongEtags = await alice.call('POST', '/v1/files/complete', {
      upload_id: plan.upload_id,
      parts: [1, 2, 3].map((n) => ({ part_number: n, etag: '"0123"' })),
    });
    expect(wrongEtags.status).toBe(422);
    expect(wrongEtags.body.code).toBe('invalid_parts');

    const done = await alice.call('POST', '/v1/files/complete', { upload_id: plan.upload_id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body.size).toBe(content.length);
    const again = await alice.call('POST', '/v1/files/complete', { upload_id: plan.upload_id });
    expect(again.body.id).toBe(done.body.id);

    const link = await alice.call('GET', `/v1/files/${done.body.id}/download`);
    const downloaded = Buffer.from(await (await fetch(link.body.url)).arrayBuffer());
    expect(sha256Hex(downloaded)).toBe(sha256Hex(content));
  });

  it('refuses part numbers outside the plan and a part of the wrong size', async () => {
    const plan = await presign();
    const outside = await alice.call('POST', `/v1/uploads/${plan.upload_id}/parts`, { part_numbers: [4] });
    expect(outside.status).toBe(422);
    expect(outside.body.code).toBe('invalid_parts');
    expect((await putTo(plan.parts[2]!, partBytes(3).subarray(1))).status).toBeGreaterThanOrEqual(400);
  });

  it('aborts: storage forgets the parts, and the upload can no longer be used', async () => {
    const plan = await presign();
    expect((await putTo(plan.parts[0]!, partBytes(1))).status).toBe(200);
    expect((await alice.call('DELETE', `/v1/uploads/${plan.upload_id}`)).status).toBe(204);
    expect((await alice.call('DELETE', `/v1/uploads/${plan.upload_id}`)).status).toBe(204);
    expect((await alice.call('GET', `/v1/uploads/${plan.upload_id}`)).body.status).toBe('aborted');
    expect((await alice.call('POST', `/v1/uploads/${plan.upload_id}/parts`, { part_numbers: [2] })).body.code).toBe('upload_not_pending');
    const complete = await alice.call('POST', '/v1/files/complete', { upload_id: plan.upload_id });
    expect(complete.status).toBe(409);
    expect(complete.body.code).toBe('upload_not_pending');
    expect(await api.objectStore.listMultipartUploads(`${plan.upload_id.slice(0, 0)}`)).not.toContainEqual(
      expect.objectContaining({ key: expect.stringContaining(plan.upload_id) }),
    );
  });

  it('honours a part size the client chose', async () => {
    const partSize = 6 * MIB;
    const response = await alice.call('POST', '/v1/files/presign', {
      name: 'chosen.bin',
      size: content.length,
      content_type: 'application/octet-stream',
      part_size: partSize,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toMatchObject({ type: 'multipart', part_size: partSize, part_count: 2 });
    const parts = response.body.parts as Array<{ part_number: number; size: number; url: string; headers: Record<string, string> }>;
    expect(parts.map((p) => p.size)).toEqual([partSize, content.length - partSize]);
    for (const part of parts) {
      const bytes = content.subarray((part.part_number - 1) * partSize, part.part_number * partSize);
      expect((await putTo(part, bytes)).status).toBe(200);
    }
    const state = await alice.call('GET', `/v1/uploads/${response.body.upload_id}`);
    expect(state.body).toMatchObject({ part_size: partSize, part_count: 2 });
    const done = await alice.call('POST', '/v1/files/complete', { upload_id: response.body.upload_id });
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    const link = await alice.call('GET', `/v1/files/${done.body.id}/download`);
    expect(sha256Hex(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()))).toBe(sha256Hex(content));
  });

  it('keeps the threshold deciding single or multipart when a part size is given', async () => {
    const single = await alice.call('POST', '/v1/files/presign', { name: 'small.txt', size: 3, content_type: 'text/plain', part_size: 5 * MIB });
    expect(single.status, JSON.stringify(single.body)).toBe(201);
    expect(single.body.type).toBe('single');
  });

  it.each([
    ['under 5 MiB', content.length, MIB, 'must be at least 5242880 bytes'],
    ['over 5 GiB', content.length, 5 * 1024 * MIB + 1, 'must be at most 5368709120 bytes'],
    ['more than 10,000 parts', 10_000 * 5 * MIB + 1, 5 * MIB, 'more than 10000'],
  ])('refuses a part size %s', async (_, size, partSize, reason) => {
    const response = await alice.call('POST', '/v1/files/presign', { name: 'bad.bin', size, content_type: 'application/octet-stream', part_size: partSize });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_part_size');
    expect(response.body.detail).toContain(reason);
    expect(response.body.errors).toEqual([{ path: '/body/part_size', message: expect.stringContaining(reason) }]);
  });

  it('single uploads report their type and refuse part requests', async () => {
    const single = await alice.call('POST', '/v1/files/presign', { name: 's.txt', size: 3, content_type: 'text/plain' });
    expect((await alice.call('GET', `/v1/uploads/${single.body.upload_id}`)).body).toMatchObject({ type: 'single', status: 'pending' });
    const parts = await alice.call('POST', `/v1/uploads/${single.body.upload_id}/parts`, { part_numbers: [1] });
    expect(parts.status).toBe(409);
    expect(parts.body.code).toBe('upload_not_multipart');
  });
});
