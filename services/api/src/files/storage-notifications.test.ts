import { describe, expect, it } from 'vitest';
import { parseS3Notification } from './storage-notifications.js';

const record = (eventName: string, key: string, bucket = 'b') => ({ eventName, s3: { bucket: { name: bucket }, object: { key, size: 1 } } });

describe('S3 notification parsing', () => {
  it('reads created and removed records and decodes keys', () => {
    const body = JSON.stringify({ Records: [record('ObjectCreated:Put', 'acct/a+b%2Bc'), record('ObjectRemoved:Delete', 'acct/x')] });
    expect(parseS3Notification(body, 'b')).toEqual([
      { type: 'created', key: 'acct/a b+c' },
      { type: 'removed', key: 'acct/x' },
    ]);
  });
  it('ignores test events, other buckets and garbage', () => {
    expect(parseS3Notification(JSON.stringify({ Event: 's3:TestEvent' }), 'b')).toEqual([]);
    expect(parseS3Notification(JSON.stringify({ Records: [record('ObjectCreated:Put', 'k', 'other')] }), 'b')).toEqual([]);
    expect(parseS3Notification('not json', 'b')).toEqual([]);
  });
});
