import Stripe from 'stripe';
import { describe, expect, test } from 'vitest';
import { verifyStripeWebhook } from './webhook-signature.js';

const secret = 'whsec_unit';
const now = new Date('2026-11-27T12:00:00Z');
const event = { id: 'evt_1', type: 'invoice.paid', created: 1, data: { object: { id: 'in_1' } } };
const sign = (payload: string, at = now, key = secret) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: key, timestamp: Math.floor(at.getTime() / 1000) });

describe('verifyStripeWebhook', () => {
  test('accepts the exact signed bytes and returns the event', () => {
    const payload = JSON.stringify(event);
    expect(verifyStripeWebhook(Buffer.from(payload), sign(payload), secret, 300, now)).toEqual(event);
  });

  test.each([
    ['another secret', (p: string) => sign(p, now, 'whsec_other'), 'webhook_signature_invalid'],
    ['altered bytes', (p: string) => sign(p.replace('in_1', 'in_2')), 'webhook_signature_invalid'],
    ['no timestamp', () => 'v1=deadbeef', 'webhook_signature_invalid'],
    ['301 s old', (p: string) => sign(p, new Date(now.getTime() - 301_000)), 'webhook_timestamp_out_of_tolerance'],
    ['301 s ahead', (p: string) => sign(p, new Date(now.getTime() + 301_000)), 'webhook_timestamp_out_of_tolerance'],
  ])('refuses %s', (_name, header, code) => {
    const payload = JSON.stringify(event);
    expect(() => verifyStripeWebhook(Buffer.from(payload), header(payload), secret, 300, now)).toThrow(expect.objectContaining({ status: 400, code }));
  });

  test('an old signed payload cannot be replayed behind a second, fresh timestamp', () => {
    const payload = JSON.stringify(event);
    const old = new Date(now.getTime() - 3600_000);
    const oldSignature = sign(payload, old).split(',').find((item) => item.startsWith('v1='))!;
    const header = `t=${Math.floor(now.getTime() / 1000)},t=${Math.floor(old.getTime() / 1000)},${oldSignature}`;
    expect(() => verifyStripeWebhook(Buffer.from(payload), header, secret, 300, now)).toThrow(expect.objectContaining({ status: 400 }));
    // Stripe's own window check runs on the same clock: a header signed an hour ago is refused.
    expect(() => verifyStripeWebhook(Buffer.from(payload), sign(payload, old), secret, 300, now)).toThrow(expect.objectContaining({ code: 'webhook_timestamp_out_of_tolerance' }));
  });

  test('a signed body that is not a Stripe event is refused as such', () => {
    for (const payload of ['nope', '[]', '{"id":"evt","type":"x","created":1}']) {
      expect(() => verifyStripeWebhook(Buffer.from(payload), sign(payload), secret, 300, now)).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid' }));
    }
  });
});
