// Checking a delivery on the receiving side. The `standardwebhooks` package is bundled into the SDK
// (pure JavaScript HMAC-SHA256, no Node built-ins), so this runs in Node, browsers' workers and edge
// runtimes alike.
import { Webhook, WebhookVerificationError as StandardWebhookError } from 'standardwebhooks';
import { BaketsuError } from '../errors.js';
import type { WebhookEventType } from '../types.js';

/** What Baketsu sends: the event's id (also the `webhook-id` header), type, time and data. */
export interface WebhookEvent<Data = Record<string, unknown>> {
  id: string;
  /** One of {@link WebhookEventType}, or a type added after this SDK was published. */
  type: WebhookEventType | (string & {});
  /** When the change happened (ISO 8601). */
  timestamp: string;
  data: Data;
}

/** A delivery whose signature, headers or timestamp do not check out: answer it with 400 and drop it. */
export class WebhookVerificationError extends BaketsuError {
  override name = 'WebhookVerificationError';
  constructor(message: string) {
    super({ message, code: 'webhook_verification_failed' });
  }
}

/** Headers as Node (`req.headers`), fetch (`Headers`) or a plain object give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  const entries: Iterable<[string, unknown]> = typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function'
    ? (() => {
        const list: Array<[string, string]> = [];
        (headers as Headers).forEach((value, key) => list.push([key, value]));
        return list;
      })()
    : Object.entries(headers);
  for (const [key, value] of entries) {
    if (typeof value === 'string') plain[key.toLowerCase()] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') plain[key.toLowerCase()] = value[0];
  }
  return plain;
}

/**
 * Checks a delivery as Standard Webhooks says: one of the `webhook-signature` signatures is the
 * HMAC-SHA256 of `webhook-id`, `webhook-timestamp` and the raw body under `secret` (`whsec_…`), and
 * the timestamp is within five minutes of now. Pass the body exactly as received (a string or the
 * bytes), never re-serialised JSON. Returns the parsed event; throws {@link WebhookVerificationError}.
 * Deduplicate on `event.id`: a retried or replayed delivery carries the same one.
 */
export function verifyWebhook<Data = Record<string, unknown>>(payload: string | Uint8Array, headers: WebhookHeaders, secret: string): WebhookEvent<Data> {
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch {
    throw new WebhookVerificationError('The secret is not a Standard Webhooks secret (whsec_…).');
  }
  try {
    return webhook.verify(payload, plainHeaders(headers)) as WebhookEvent<Data>;
  } catch (error) {
    if (error instanceof StandardWebhookError) throw new WebhookVerificationError(error.message);
    throw new WebhookVerificationError('The payload is not JSON.');
  }
}
