import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { signUp, uploadFile, type Client } from '#src/files/testing/files-test-kit.js';
import { startTestApi, type TestApi } from '#src/platform/testing/index.js';

let api: TestApi;
let alice: Client;
let logFile: string;
beforeAll(async () => {
  logFile = path.join(await mkdtemp(path.join(tmpdir(), 'baketsu-download-')), 'api.log');
  api = await startTestApi({ env: { LOG_LEVEL: 'info' }, logDestination: logFile });
  alice = await signUp(api.url);
});
afterAll(async () => {
  await api?.stop();
});

const logLines = async () =>
  (await readFile(logFile, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('local-disk downloads', () => {
  test('a download the client abandons midway is one JSON log line, and nothing reaches stderr', async () => {
    // Larger than the socket buffers, so the server is still writing when the client hangs up.
    const file = await uploadFile(alice, 'big.bin', randomBytes(32 * 1024 * 1024), 'application/octet-stream');
    const link = await alice.call('GET', `/v1/files/${file.id}/download`);
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    try {
      await new Promise<void>((resolve, reject) => {
        const request = get(link.body.url, (response) => {
          expect(response.statusCode).toBe(200);
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', reject);
      });
      const hangUp = 'client closed the connection before the response was sent';
      await expect.poll(async () => (await logLines()).map((line) => line['msg']), { timeout: 10_000 }).toContain(hangUp);
      const line = (await logLines()).find((entry) => entry['msg'] === hangUp);
      expect(line).toMatchObject({ level: 30, service: 'api', code: expect.stringMatching(/^(ERR_STREAM_PREMATURE_CLOSE|ECONNRESET|EPIPE|ERR_STREAM_DESTROYED)$/) });
      expect(typeof line?.['reqId']).toBe('string');
      expect(consoleError).not.toHaveBeenCalled();
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      consoleError.mockRestore();
    }
  });

  test('the server still serves the whole file afterwards', async () => {
    const body = randomBytes(1024);
    const file = await uploadFile(alice, 'small.bin', body, 'application/octet-stream');
    const link = await alice.call('GET', `/v1/files/${file.id}/download`);
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer())).toEqual(body);
  });
});
