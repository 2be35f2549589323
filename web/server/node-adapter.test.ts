import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { CLIENT_ADDRESS_HEADER } from '../app/lib/client-address.js';
import { toFetchRequest } from './node-adapter.js';

test('the client address header is the socket\'s, whatever the visitor sent under that name', async () => {
  const seen: Array<string | null> = [];
  const server = createServer((req, res) => {
    seen.push(toFetchRequest(req, res).headers.get(CLIENT_ADDRESS_HEADER));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    await fetch(url);
    await fetch(url, { headers: { [CLIENT_ADDRESS_HEADER]: '203.0.113.66' } });
  } finally {
    server.close();
  }
  expect(seen).toEqual(['127.0.0.1', '127.0.0.1']);
});
