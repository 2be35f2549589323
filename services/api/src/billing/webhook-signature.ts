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
  const timestamp = Number(/(?:^|,)\s*t=(\d+)/.exec(header)?.[1]);
  if (!Number.isFinite(timestamp)) throw errors.webhookSignatureInvalid();
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) throw errors.webhookTimestampOutOfTolerance(toleranceSeconds);
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(raw, header, secret, toleranceSeconds, undefined, nowSeconds);
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
