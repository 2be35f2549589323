import { expect, test } from 'vitest';
import { renderMail } from './mail-templates.js';
import { retryDelayMs } from './mail-worker.js';

test('retries back off exponentially up to the cap, half of each delay jittered', () => {
  const settings = { retryBaseMs: 1000, retryMaxMs: 8000 };
  expect([1, 2, 3, 4, 5, 9].map((attempts) => retryDelayMs(attempts, settings, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
  expect(retryDelayMs(3, settings, () => 0)).toBe(2000);
});

test('templates put the link in both bodies and escape what they are given in HTML', () => {
  const mail = renderMail('email_change', { link: 'http://localhost:3000/verify-email?token=t&x=1', newEmail: '<b>@example.com', expiresInHours: 24 });
  expect(mail.text).toContain('http://localhost:3000/verify-email?token=t&x=1');
  expect(mail.html).toContain('href="http://localhost:3000/verify-email?token=t&amp;x=1"');
  expect(mail.html).toContain('&lt;b&gt;@example.com');
  expect(mail.html).not.toContain('<b>@');
});

test('the disabled-endpoint mail names the endpoint, since when and the last error, its URL escaped in HTML', () => {
  const data = { url: 'https://hooks.example/in?a=1&b=<x>', failingSince: '2026-12-01T10:00:00.000Z', lastError: 'answered 503', link: 'http://localhost:3000/webhooks/e1' };
  const mail = renderMail('webhook_endpoint_disabled', data);
  expect(mail.text).toContain('https://hooks.example/in?a=1&b=<x> has failed since 2026-12-01T10:00:00.000Z');
  expect(mail.text).toContain('The last attempt: answered 503.');
  expect(mail.text).toContain('See the endpoint: http://localhost:3000/webhooks/e1');
  expect(mail.html).toContain('https://hooks.example/in?a=1&amp;b=&lt;x&gt;');
  expect(mail.html).not.toContain('<x>');
});
