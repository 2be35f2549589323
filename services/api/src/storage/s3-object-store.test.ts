// The S3 adapter's own logic (paging, error mapping) over a scripted client; the real
// behaviour against an S3 server is in s3-object-store.int.test.ts.
import { ListPartsCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, test } from 'vitest';
import { ObjectStoreError } from '#src/storage/object-store.js';
import { s3ObjectStore } from '#src/storage/s3-object-store.js';

type Reply = (command: { constructor: { name: string }; input: Record<string, unknown> }) => unknown;

function scripted(reply: Reply) {
  const sent: Array<{ name: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: Parameters<Reply>[0]) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return reply(command);
    },
  } as unknown as S3Client;
  return { store: s3ObjectStore({ client, bucket: 'b' }), sent };
}

const s3Error = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

describe('s3ObjectStore over a scripted client', () => {
  test('listParts follows every page', async () => {
    const { store, sent } = scripted(({ input }) => {
      const marker = Number(input.PartNumberMarker ?? 0);
      const part = { PartNumber: marker + 1, Size: 10, ETag: `"e${marker + 1}"` };
      return { Parts: [part], IsTruncated: marker < 2, NextPartNumberMarker: String(marker + 1) };
    });
    expect(await store.listParts('k', 'u')).toEqual([1, 2, 3].map((n) => ({ partNumber: n, size: 10, etag: `"e${n}"` })));
    expect(sent.map((c) => c.input.PartNumberMarker)).toEqual([undefined, '1', '2']);
  });

  test('listMultipartUploads follows both markers', async () => {
    const { store, sent } = scripted(({ input }) =>
      input.KeyMarker === undefined
        ? { Uploads: [{ Key: 'a', UploadId: '1', Initiated: new Date(1) }], IsTruncated: true, NextKeyMarker: 'a', NextUploadIdMarker: '1' }
        : { Uploads: [{ Key: 'b', UploadId: '2', Initiated: new Date(2) }], IsTruncated: false },
    );
    expect(await store.listMultipartUploads('p/')).toEqual([
      { key: 'a', multipartId: '1', initiated: new Date(1) },
      { key: 'b', multipartId: '2', initiated: new Date(2) },
    ]);
    expect(sent[1]?.input).toMatchObject({ Prefix: 'p/', KeyMarker: 'a', UploadIdMarker: '1' });
  });

  test('head: NotFound is null; a composite (multipart) checksum is not reported as SHA-256', async () => {
    let answer: unknown = s3Error('NotFound', 404);
    const { store } = scripted(() => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
    expect(await store.headObject('k')).toBeNull();
    answer = { ContentLength: 5, ChecksumSHA256: 'abc=-2', ChecksumType: 'COMPOSITE', LastModified: new Date(3) };
    expect(await store.headObject('k')).toEqual({ size: 5, contentType: undefined, sha256Base64: undefined, lastModified: new Date(3) });
    answer = { ContentLength: 5, ChecksumSHA256: 'abc=', ChecksumType: 'FULL_OBJECT', LastModified: new Date(3) };
    expect((await store.headObject('k'))?.sha256Base64).toBe('abc=');
    answer = s3Error('AccessDenied', 403);
    await expect(store.headObject('k')).rejects.toThrow('AccessDenied');
  });

  test('abort ignores NoSuchUpload; complete maps refusals to ObjectStoreError', async () => {
    const { store } = scripted(({ constructor }) => {
      throw s3Error(constructor.name === 'AbortMultipartUploadCommand' ? 'NoSuchUpload' : 'InvalidPartOrder', 400);
    });
    await expect(store.abortMultipartUpload('k', 'u')).resolves.toBeUndefined();
    const error = await store.completeMultipartUpload('k', 'u', [{ partNumber: 1, etag: '"e"' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: 'InvalidPart' });
  });

  test('complete reports NoSuchUpload when the server says InvalidPart for a vanished upload', async () => {
    const { store, sent } = scripted((command) => {
      if (command instanceof ListPartsCommand) throw s3Error('NoSuchUpload', 404);
      throw s3Error('InvalidPart', 400);
    });
    await expect(store.completeMultipartUpload('k', 'u', [{ partNumber: 1, etag: '"e"' }])).rejects.toMatchObject({
      code: 'NoSuchUpload',
    });
    expect(sent.map((c) => c.name)).toEqual(['CompleteMultipartUploadCommand', 'ListPartsCommand']);
  });
});
