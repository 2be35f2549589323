import { describe, expect, it } from 'vitest';
import type { ObjectHead } from '#src/storage/object-store.js';
import { objectDifferences, type RecordedObject } from './integrity.js';

const recorded: RecordedObject = {
  file_id: 'f',
  account_id: 'a',
  size_bytes: 10,
  sha256: null,
  object_checksum: 'crc64nvme:AAAAAAAAAAA=',
  object_etag: 'etag-1',
  integrity_mismatch_at: null,
};
const head = (change: Partial<ObjectHead>): ObjectHead => ({ size: 10, checksum: 'crc64nvme:AAAAAAAAAAA=', etag: 'etag-1', lastModified: new Date(0), ...change });

describe('objectDifferences', () => {
  it('finds none when size, checksum and ETag are as recorded', () => {
    expect(objectDifferences(head({}), recorded)).toEqual([]);
  });

  it('reports another size first', () => {
    expect(objectDifferences(head({ size: 11, etag: 'etag-2' }), recorded)).toEqual(['storage holds 11 bytes; 10 were stored']);
  });

  it('lets a checksum of the same algorithm decide over the ETag', () => {
    // The same bytes rewritten (e.g. copied in place) get a new ETag but keep their checksum.
    expect(objectDifferences(head({ etag: 'etag-2' }), recorded)).toEqual([]);
    expect(objectDifferences(head({ checksum: 'crc64nvme:BBBBBBBBBBB=' }), recorded)).toEqual([
      'checksum is crc64nvme:BBBBBBBBBBB=; crc64nvme:AAAAAAAAAAA= was stored',
    ]);
  });

  it('compares the SHA-256 when the checksums are of different algorithms', () => {
    const withSha = { ...recorded, sha256: 'c2hhLTI1Ng==' };
    expect(objectDifferences(head({ checksum: 'crc32:AAAAAA==', sha256Base64: 'c2hhLTI1Ng==', etag: 'etag-2' }), withSha)).toEqual([]);
    expect(objectDifferences(head({ checksum: 'crc32:AAAAAA==', sha256Base64: 'b3RoZXI=' }), withSha)).toHaveLength(1);
  });

  it('falls back to the ETag when no checksum can be compared', () => {
    expect(objectDifferences(head({ checksum: 'crc32:AAAAAA==', etag: 'etag-2' }), recorded)).toEqual([
      'ETag is etag-2; etag-1 was stored, and no checksum of the same kind can tell the bytes apart',
    ]);
    expect(objectDifferences(head({ checksum: 'crc32:AAAAAA==' }), recorded)).toEqual([]);
  });

  it('has only the size for files recorded without checksum or ETag', () => {
    const legacy = { ...recorded, object_checksum: null, object_etag: null };
    expect(objectDifferences(head({ checksum: 'crc32:AAAAAA==', etag: 'x' }), legacy)).toEqual([]);
    expect(objectDifferences(head({ size: 9 }), legacy)).toHaveLength(1);
  });
});
