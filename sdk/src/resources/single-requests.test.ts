// Every single-request method answers an APIPromise, so `.withResponse()` reaches the request id and
// headers. The types are checked too (tsc): the folder and share methods were once typed as plain Promises.
import { expect, it } from 'vitest';
import { APIPromise } from '../api-promise.js';
import { Baketsu } from '../client.js';

const answer = () =>
  new Response(JSON.stringify({ id: 'x1' }), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req-7' } });
const client = new Baketsu({ baseUrl: 'http://api', apiKey: 'bk_x' }, { fetch: (async () => answer()) as typeof fetch });

const calls: Array<[string, () => APIPromise<unknown>]> = [
  ['folders.create', () => client.folders.create('inbox')],
  ['folders.get', () => client.folders.get('f1')],
  ['folders.getByPath', () => client.folders.getByPath('a/b')],
  ['folders.update', () => client.folders.update('f1', { name: 'n' })],
  ['folders.rename', () => client.folders.rename('f1', 'n')],
  ['folders.move', () => client.folders.move('f1', null)],
  ['folders.delete', () => client.folders.delete('f1', { recursive: true })],
  ['folders.share', () => client.folders.share('f1')],
  ['folders.usage', () => client.folders.usage()],
  ['files.share', () => client.files.share('file1')],
  ['shares.get', () => client.shares.get('s1')],
  ['shares.revoke', () => client.shares.revoke('s1')],
  ['shares.getPublic', () => client.shares.getPublic('token')],
  ['shares.downloadPublic', () => client.shares.downloadPublic('token')],
];

it.each(calls)('%s hands over the response with withResponse()', async (_name, call) => {
  const pending = call();
  expect(pending).toBeInstanceOf(APIPromise);
  const { data, requestId } = await pending.withResponse();
  expect(data).toEqual({ id: 'x1' });
  expect(requestId).toBe('req-7');
});
