// The dispatcher's second half: claims due deliveries and sends them. Claiming pushes a delivery's
// next_attempt_at out by a lease in one short statement (FOR UPDATE SKIP LOCKED, so concurrent
// dispatchers take different rows and never wait on each other); the POST happens outside any
// transaction; the outcome is recorded after. A dispatcher that dies between claim and record leaves
// the delivery to be claimed again when the lease runs out: at least once, always with the same
// `webhook-id` (the event id), so receivers can drop the duplicate.
import type { Clock } from '@baketsu/platform/clock';
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { recordFailure } from './endpoint-failure.js';
import { RefusedUrlError, resolveWebhookTarget } from './url-safety.js';
import { postWebhook, type AttemptOutcome } from './webhook-http.js';

/** Where a disabled endpoint's pending deliveries wait: never due, until it is enabled again. */
export const PARKED_UNTIL = sql.fragment`'9999-12-31T00:00:00Z'::timestamptz`;

const claimedRow = z.object({
  endpoint_id: z.string(),
  event_id: z.string(),
  attempts: z.number(),
  event_created_at: z.number(),
  url: z.string(),
  secret: z.string(),
  previous_secret: z.string().nullable(),
  previous_secret_expires_at: z.number().nullable(),
  event: z.string(),
});
export type Claimed = z.infer<typeof claimedRow>;

export interface SenderOptions {
  pool: DatabasePool;
  /** Schedules attempts, leases and retries (a test clock drives them). */
  clock: Clock;
  /** Stamps `webhook-timestamp`: receivers compare it with their real clock, so it is the real time. */
  wallClock: Clock;
  allowPrivateUrls: boolean;
  timeoutMs: number;
  disableAfterMs: number;
  /** Where the dashboard is: the mail telling an owner their endpoint was disabled links to it. */
  dashboardUrl: string;
  batchSize: number;
  /** Called with each delivered event's commit-to-delivery time (metrics, the benchmark). */
  onDelivered?: (commitToDeliveryMs: number) => void;
}

/**
 * Longer than any attempt can take (name resolution and the exchange are each bounded by the
 * timeout), so a live sender's claim never lapses under it.
 */
export const leaseMs = (timeoutMs: number) => 3 * timeoutMs + 1_000;

/** Claims up to `batchSize` due deliveries. */
export function claimDue(options: SenderOptions): Promise<readonly Claimed[]> {
  const now = options.clock.now();
  return options.pool.any(sql.type(claimedRow)`
    with due as (
      -- One table, walked in the due index's order, stopping at the batch. A disabled endpoint's
      -- deliveries are parked at PARKED_UNTIL, so they need no check here.
      select d.endpoint_id, d.event_id from webhook_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= ${sql.timestamp(now)}
      order by d.next_attempt_at limit ${options.batchSize}
      for update skip locked
    ), claimed as (
      update webhook_deliveries d set attempts = d.attempts + 1, last_attempt_at = ${sql.timestamp(now)},
        next_attempt_at = ${sql.timestamp(new Date(now.getTime() + leaseMs(options.timeoutMs)))}
      from due where d.endpoint_id = due.endpoint_id and d.event_id = due.event_id
      returning d.endpoint_id, d.event_id, d.attempts, d.event_created_at
    )
    select c.endpoint_id, c.event_id, c.attempts, c.event_created_at, e.url, e.secret, e.previous_secret, e.previous_secret_expires_at,
      o.event::text as event
    from claimed c join webhook_endpoints e on e.id = c.endpoint_id join outbox o on o.event_id = c.event_id`);
}

/** The body receivers get: Standard Webhooks' `type`, `timestamp` and `data`, plus the event's `id`. */
export function payloadOf(storedEvent: string): string {
  const event = JSON.parse(storedEvent) as { id: string; type: string; time: string; data: unknown };
  return JSON.stringify({ id: event.id, type: event.type, timestamp: event.time, data: event.data });
}

/**
 * One `v1,…` signature per live secret, space-separated, as Standard Webhooks allows. `now` decides
 * whether the previous secret still signs (the overlap was set by the same clock); `sentAt` is the
 * signed `webhook-timestamp`.
 */
export function signatureOf(
  delivery: Pick<Claimed, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>,
  id: string,
  times: { now: Date; sentAt: Date },
  payload: string,
): string {
  const secrets = [delivery.secret];
  if (delivery.previous_secret !== null && (delivery.previous_secret_expires_at ?? 0) > times.now.getTime()) secrets.push(delivery.previous_secret);
  return secrets.map((secret) => new Webhook(secret).sign(id, times.sentAt, payload)).join(' ');
}

/** Records successes in batches (one statement for many), failures one by one (see recorder.ts). */
export interface SuccessRecorder {
  delivered(delivery: Claimed, outcome: AttemptOutcome): Promise<void>;
}

export async function sendOne(options: SenderOptions, delivery: Claimed, recorder?: SuccessRecorder): Promise<AttemptOutcome> {
  const payload = payloadOf(delivery.event);
  const sentAt = options.wallClock.now();
  let outcome: AttemptOutcome;
  try {
    // Resolved and checked at every send: the address may have changed since the endpoint was made.
    const target = await resolveWebhookTarget(delivery.url, { allowPrivate: options.allowPrivateUrls, timeoutMs: options.timeoutMs });
    outcome = await postWebhook({
      target,
      timeoutMs: options.timeoutMs,
      body: payload,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Baketsu-Webhooks/1',
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signatureOf(delivery, delivery.event_id, { now: options.clock.now(), sentAt }, payload),
      },
    });
  } catch (error) {
    if (!(error instanceof RefusedUrlError)) throw error;
    outcome = { error: `the URL ${error.message}`, latencyMs: 0 };
  }
  if (outcome.error === undefined && recorder) await recorder.delivered(delivery, outcome);
  else await record(options, delivery, outcome);
  return outcome;
}

async function record(options: SenderOptions, delivery: Claimed, outcome: AttemptOutcome): Promise<void> {
  const now = options.clock.now();
  const at = sql.timestamp(now);
  const key = sql.fragment`endpoint_id = ${delivery.endpoint_id} and event_id = ${delivery.event_id}`;
  const common = sql.fragment`last_status_code = ${outcome.statusCode ?? null}, last_error = ${outcome.error ?? null}, last_latency_ms = ${outcome.latencyMs}`;
  if (outcome.error === undefined) {
    // Guarded by attempts: a replay that restarted the delivery meanwhile keeps its own schedule.
    await options.pool.query(sql.unsafe`
      with done as (
        update webhook_deliveries set status = 'delivered', delivered_at = ${at}, ${common}
        where ${key} and attempts = ${delivery.attempts} returning endpoint_id
      )
      update webhook_endpoints set failing_since = null where id = ${delivery.endpoint_id} and failing_since is not null`);
    options.onDelivered?.(now.getTime() - delivery.event_created_at);
    return;
  }
  // Parked after the disabling commits, so this never holds the endpoint while waiting on its deliveries.
  if (await recordFailure(options, delivery, { ...outcome, error: outcome.error })) await parkDeliveries(options.pool, delivery.endpoint_id);
}

/** A disabled endpoint's pending deliveries wait, never due, until `unparkDeliveries`. */
export async function parkDeliveries(db: CommonQueryMethods, endpointId: string): Promise<void> {
  await db.query(sql.unsafe`
    update webhook_deliveries set next_attempt_at = ${PARKED_UNTIL} where endpoint_id = ${endpointId} and status = 'pending'`);
}

/** An enabled endpoint's parked deliveries are due at `at`. */
export async function unparkDeliveries(db: CommonQueryMethods, endpointId: string, at: Date): Promise<void> {
  await db.query(sql.unsafe`
    update webhook_deliveries set next_attempt_at = ${sql.timestamp(at)}
    where endpoint_id = ${endpointId} and status = 'pending' and next_attempt_at = ${PARKED_UNTIL}`);
}
