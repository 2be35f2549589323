import { expect, test } from 'vitest';
import { parseWebhookUrl, refusedRange, resolveWebhookTarget, type Resolver } from './url-safety.js';

test.each([
  ['127.0.0.1', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fd00:ec2::254', 'uniqueLocal'],
  ['ff02::1', 'multicast'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['64:ff9b::a00:1', 'rfc6052'],
])('%s is refused as %s', (address, range) => {
  expect(refusedRange(address)).toBe(range);
});

test.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111'])('%s is a public address', (address) => {
  expect(refusedRange(address)).toBeUndefined();
});

test.each([
  ['ftp://example.com/hook', 'must use http or https'],
  ['file:///etc/passwd', 'must use http or https'],
  ['https://user:pw@example.com/', 'must not contain credentials'],
  ['not a url', 'is not a valid URL'],
])('%s is refused: %s', (url, message) => {
  expect(() => parseWebhookUrl(url)).toThrow(message);
});

const resolvingTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

test('a name is refused when any address it resolves to is internal, and allowed when the setting says so', async () => {
  await expect(resolveWebhookTarget('https://hooks.example/x', { allowPrivate: false, resolver: resolvingTo('93.184.216.34', '10.0.0.5') })).rejects.toThrow(
    'resolves to 10.0.0.5, a private address',
  );
  await expect(resolveWebhookTarget('http://[::1]:8080/', { allowPrivate: false })).rejects.toThrow('a loopback address');
  await expect(resolveWebhookTarget('http://169.254.169.254/latest/meta-data', { allowPrivate: false })).rejects.toThrow('linkLocal');
  const target = await resolveWebhookTarget('https://hooks.example/x', { allowPrivate: false, resolver: resolvingTo('93.184.216.34') });
  expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
  expect((await resolveWebhookTarget('http://127.0.0.1:9/', { allowPrivate: true })).address).toBe('127.0.0.1');
});

test('a name that does not resolve is refused with that reason', async () => {
  const failing: Resolver = async () => {
    throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
  };
  await expect(resolveWebhookTarget('https://nowhere.invalid/', { allowPrivate: false, resolver: failing })).rejects.toThrow('does not resolve');
});
