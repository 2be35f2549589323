import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { UploadDataError } from '../errors.js';
import { nodePlatform } from './node-platform.js';
import { bareMediaType, toSource, type StreamSource } from './source.js';

it('takes name and type from a File, and slices lazily', async () => {
  const source = await toSource(new File(['hello world'], 'greeting.txt', { type: 'text/plain;charset=utf-8' }), undefined, {});
  expect(source).toMatchObject({ kind: 'random', size: 11, name: 'greeting.txt', type: 'text/plain;charset=utf-8' });
  expect(bareMediaType(source.type)).toBe('text/plain');
  const part = source.kind === 'random' ? source.slice(6, 11) : undefined;
  expect(await new Response(part as Blob).text()).toBe('world');
});

it('reads a stream of declared size part by part and refuses one of another size', async () => {
  const stream = await toSource(Readable.from([Buffer.from('abc'), Buffer.from('defgh')]), 8, {});
  if (stream.kind !== 'stream') throw new Error('expected a stream source');
  expect(Buffer.from(await stream.read(5)).toString()).toBe('abcde');
  expect(Buffer.from(await stream.read(3)).toString()).toBe('fgh');
  await expect(stream.assertEnded()).resolves.toBeUndefined();

  const long = await toSource(Readable.from([Buffer.from('abcdef')]), 4, {});
  if (long.kind !== 'stream') throw new Error('expected a stream source');
  await long.read(4);
  await expect(long.assertEnded()).rejects.toThrow(/more than the declared size/);
  const short = await toSource(Readable.from([Buffer.from('ab')]), 4, {});
  await expect((short as { read(n: number): Promise<Uint8Array> }).read(4)).rejects.toThrow(/ended before/);
});

it('buffers a stream of unknown size, and refuses paths without Node support', async () => {
  const web = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new Uint8Array([1, 2])), c.enqueue(new Uint8Array([3])), c.close()) });
  const source = await toSource(web, undefined, {});
  expect(source).toMatchObject({ kind: 'random', size: 3 });
  await expect(toSource('/etc/hosts', undefined, {})).rejects.toThrow(/needs Node/);
});

it('reports data it cannot read, or of the wrong length, as an UploadDataError', async () => {
  await expect(nodePlatform.fromPath!('/nonexistent/baketsu/file.bin')).rejects.toMatchObject({ name: 'UploadDataError', code: 'data_unreadable' });
  const short = await toSource(Readable.from([Buffer.from('ab')]), 4, {});
  const error = await (short as StreamSource).read(4).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UploadDataError);
  expect(error).toMatchObject({ code: 'data_too_short' });
});
