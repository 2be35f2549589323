import { describe, expect, test } from 'vitest';
import { encodeKeyPath, sign, signedQuery, verify, type SignedRequest } from '#src/storage/local-disk-signing.js';

const secret = 'a'.repeat(64);
const request: SignedRequest = {
  method: 'PUT',
  key: 'acc_1/up_2',
  expires: 1_900_000_000,
  uploadId: 'f'.repeat(32),
  partNumber: 3,
  headers: { 'content-length': '10', 'content-type': 'text/plain', 'x-amz-checksum-sha256': 'abc=' },
};

describe('local disk URL signatures', () => {
  test('verify accepts the issued signature', () => {
    expect(verify(secret, request, sign(secret, request))).toBe(true);
  });

  const changes: Array<[string, SignedRequest]> = [
    ['method', { ...request, method: 'GET' }],
    ['key', { ...request, key: 'acc_1/up_3' }],
    ['expiry', { ...request, expires: request.expires + 1 }],
    ['upload id', { ...request, uploadId: 'e'.repeat(32) }],
    ['part number', { ...request, partNumber: 4 }],
    ['disposition', { ...request, disposition: 'inline' }],
    ['length', { ...request, headers: { ...request.headers, 'content-length': '11' } }],
    ['type', { ...request, headers: { ...request.headers, 'content-type': 'text/html' } }],
    ['checksum', { ...request, headers: { ...request.headers, 'x-amz-checksum-sha256': 'abd=' } }],
    ['an unbound checksum', { ...request, headers: { 'content-length': '10', 'content-type': 'text/plain' } }],
    ['a field moved across a separator', { ...request, key: 'acc_1/up_2\n3', partNumber: undefined }],
  ];
  test.each(changes)('a signature stops verifying when the %s changes', (_name, changed) => {
    expect(verify(secret, changed, sign(secret, request))).toBe(false);
  });

  test('another secret, another spelling or garbage never verify', () => {
    const signature = sign(secret, request);
    expect(verify('b'.repeat(64), request, signature)).toBe(false);
    // The last base64url character of 32 bytes has two unused bits; another value there
    // decodes to the same bytes but is not what we issued.
    const last = signature.at(-1)!;
    expect('AEIMQUYcgkosw048').toContain(last);
    const sibling = String.fromCharCode(last.charCodeAt(0) + 1);
    expect(Buffer.from(signature.slice(0, -1) + sibling, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verify(secret, request, signature.slice(0, -1) + sibling)).toBe(false);
    expect(verify(secret, request, '')).toBe(false);
    expect(verify(secret, request, `${signature}A`)).toBe(false);
  });

  test('the query names only the bound headers', () => {
    const query = signedQuery(secret, { ...request, headers: { 'content-length': '10' } });
    expect(query.get('X-Baketsu-SignedHeaders')).toBe('content-length');
    expect(query.get('partNumber')).toBe('3');
    expect(query.get('X-Baketsu-Expires')).toBe('1900000000');
  });

  test('key paths keep slashes and encode everything else per segment', () => {
    expect(encodeKeyPath('a b/ü?#/%')).toBe('a%20b/%C3%BC%3F%23/%25');
  });
});
