import Stripe from 'stripe';
import { errors } from '#src/platform/errors.js';

export interface VerifiedEvent {
  id: string;
  type: string;
  /** Seconds since the epoch, as Stripe stamps events. */
  created: number;
  data: { object: Record<string, unknown> };
}

/**
 * Checks Stripe-Signature (HMAC-SHA256 over `t.payload`) against the raw bytes, with the clock passed
 * in. Stripe's own check only refuses old signatures; one from the future is refused here too.
 */
export function verifyStripeWebhook(raw: Buffer, header: string, secret: string, toleranceSeconds: number, now: Date): VerifiedEvent {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // Exactly one timestamp: Stripe's parser keeps the last `t=`, so with two, a fresh one could pass
  // the window check here while an old, replayed signature was checked against the other.
  const timestamps = header.split(',').filter((item) => item.trim().startsWith('t='));
  const timestamp = timestamps.length === 1 && /^\s*t=\d+\s*$/.test(timestamps[0]!) ? Number(timestamps[0]!.trim().slice(2)) : NaN;
  if (!Number.isFinite(timestamp)) throw errors.webhookSignatureInvalid();
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) throw errors.webhookTimestampOutOfTolerance(toleranceSeconds);
  let event: unknown;
  try {
    // Stripe's own window check as well, from the same clock (it takes milliseconds).
    event = Stripe.webhooks.constructEvent(raw, header, secret, toleranceSeconds, undefined, now.getTime());
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw errors.webhookSignatureInvalid();
    if (error instanceof SyntaxError) throw errors.webhookPayloadInvalid('The body is not JSON.');
    throw error;
  }
  return asEvent(event);
}

function asEvent(value: unknown): VerifiedEvent {
  const event = value as Partial<VerifiedEvent> | null;
  if (
    typeof event !== 'object' || event === null ||
    typeof event.id !== 'string' || event.id.length === 0 || event.id.length > 255 ||
    typeof event.type !== 'string' ||
    typeof event.created !== 'number' ||
    typeof event.data !== 'object' || event.data === null ||
    typeof event.data.object !== 'object' || event.data.object === null
  ) {
    throw errors.webhookPayloadInvalid('Expected a Stripe event with id, type, created and data.object.');
  }
  return event as VerifiedEvent;
}
