import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEnv, uniqueName } from './env.js';

const endpoint = requireEnv('TEST_S3_ENDPOINT');
const region = requireEnv('TEST_S3_REGION');
const credentials = {
  accessKeyId: requireEnv('TEST_S3_ACCESS_KEY'),
  secretAccessKey: requireEnv('TEST_S3_SECRET_KEY'),
};

/** Changes one hex digit of X-Amz-Signature, leaving the rest of the URL as signed. */
function tamperSignature(url: string): string {
  const u = new URL(url);
  const sig = u.searchParams.get('X-Amz-Signature');
  if (!sig) throw new Error('presigned URL has no X-Amz-Signature');
  const last = sig.at(-1);
  u.searchParams.set('X-Amz-Signature', sig.slice(0, -1) + (last === '0' ? '1' : '0'));
  return u.toString();
}

describe('S3 (versitygw): SigV4 presigned PUTs', () => {
  // The presigning client must not bake a checksum of an empty body into the URL.
  const s3 = new S3Client({
    endpoint,
    region,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = uniqueName('baketsu-infra');

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const o of listed.Contents ?? []) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    s3.destroy();
  });

  /** `signingDate` in the past makes a URL that has already expired, with no wait. */
  const presignPut = (key: string, expiresIn: number, signingDate = new Date()) =>
    getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'text/plain' }), {
      expiresIn,
      signingDate,
    });

  const put = (url: string, body: string) =>
    fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } });

  async function exists(key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
      throw err;
    }
  }

  it('accepts a valid presigned PUT and the object reads back', async () => {
    const key = 'acct_1/hello.txt';
    const body = `hello from baketsu ${Date.now()}`;
    const url = await presignPut(key, 60);
    expect(url).not.toMatch(/x-amz-checksum/i);

    const res = await put(url, body);
    expect(res.status, await res.clone().text()).toBe(200);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ContentLength).toBe(Buffer.byteLength(body));
  });

  it('refuses expired and tampered presigned URLs without storing anything', async () => {
    const expiredKey = 'acct_1/expired.txt';
    // Signed a minute ago, valid for one second.
    const expiredUrl = await presignPut(expiredKey, 1, new Date(Date.now() - 60_000));
    const expired = await put(expiredUrl, 'too late');
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code>.*expired/is);

    const sigKey = 'acct_1/bad-signature.txt';
    const badSig = await put(tamperSignature(await presignPut(sigKey, 60)), 'forged');
    expect(badSig.status).toBe(403);
    expect(await badSig.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    // A URL signed for one key, replayed against another key.
    const signedKey = 'acct_1/signed.txt';
    const otherKey = 'acct_1/other.txt';
    const swapped = (await presignPut(signedKey, 60)).replace('/signed.txt?', '/other.txt?');
    expect(swapped).toContain('/other.txt?');
    const badKey = await put(swapped, 'forged');
    expect(badKey.status).toBe(403);
    expect(await badKey.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    for (const key of [expiredKey, sigKey, signedKey, otherKey]) {
      expect(await exists(key), key).toBe(false);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'acct_1/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).filter((k) => k !== 'acct_1/hello.txt');
    expect(keys).toEqual([]);
  });
});
