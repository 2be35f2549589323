import { connect } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestApi, type TestApi } from './testing/index.js';

let api: TestApi;
let logFile: string;
beforeAll(async () => {
  logFile = path.join(await mkdtemp(path.join(tmpdir(), 'baketsu-client-errors-')), 'api.log');
  api = await startTestApi({ env: { LOG_LEVEL: 'info' }, logDestination: logFile });
});
afterAll(async () => {
  await api?.stop();
});

/** Sends raw bytes and reads the whole answer: fetch cannot send a request that is not HTTP. */
function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as { code: string; status: number; request_id: string };
  expect(body).toMatchObject({ status, code });
  expect(body.request_id).toBe(response.headers.get('x-request-id'));
  return body;
}

describe("requests Node's HTTP parser refuses", () => {
  test('oversized headers are a 431 problem with a stable code, and are logged as a JSON line', async () => {
    const response = await fetch(`${api.url}/v1/me`, { headers: { 'x-padding': 'a'.repeat(20_000) } });
    const body = await expectProblem(response, 431, 'headers_too_large');
    await expect.poll(async () => readFile(logFile, 'utf8').catch(() => ''), { timeout: 5_000 }).toContain(body.request_id);
    const line = (await readFile(logFile, 'utf8')).split('\n').find((text) => text.includes(body.request_id));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ code: 'headers_too_large', status: 431, msg: 'request refused before routing' });
  });

  test('an oversized URL is a 431 problem too', async () => {
    await expectProblem(await fetch(`${api.url}/v1/files?q=${'a'.repeat(20_000)}`), 431, 'headers_too_large');
  });

  test('a request that is not HTTP is a 400 problem', async () => {
    const answer = await rawExchange(api.url, 'NOT HTTP AT ALL\r\n\r\n');
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/i);
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'malformed_request' });
  });

  test('the server keeps answering afterwards', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
