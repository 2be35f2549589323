import type { Usage, UsageUpdate } from '@baketsu/sdk';
import { expect, test } from 'vitest';
import { usageEventStream } from './usage-stream.server.js';

const usage = (files: number) => ({ file_count: files }) as unknown as Usage;

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

test('re-encodes the SDK’s updates as events with the API’s ids, after a retry hint', async () => {
  async function* updates(): AsyncGenerator<UsageUpdate, void, undefined> {
    yield { id: '1-1', usage: usage(1) };
    yield { id: '1-2', usage: usage(2) };
  }
  expect(await text(usageEventStream(updates()))).toBe(
    'retry: 2000\n\nid: 1-1\nevent: usage\ndata: {"file_count":1}\n\nid: 1-2\nevent: usage\ndata: {"file_count":2}\n\n',
  );
});

test('ends the stream (for the browser to reconnect) when the watch fails, keeping what was sent', async () => {
  async function* updates(): AsyncGenerator<UsageUpdate, void, undefined> {
    yield { id: '2-1', usage: usage(5) };
    throw new Error('401: the access token expired');
  }
  expect(await text(usageEventStream(updates()))).toBe('retry: 2000\n\nid: 2-1\nevent: usage\ndata: {"file_count":5}\n\n');
});
