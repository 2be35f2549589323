// A failed attempt, recorded: the delivery gets its retry (or is failed), the endpoint remembers
// since when it fails, and an endpoint failing for longer than `disableAfterMs` is disabled. The
// disabling and its one mail to the owner (issue 16) share a transaction, so the mail goes out once
// per disabling: the endpoint row is locked first, and only the attempt that finds it still enabled
// disables it, however many dispatchers record failures for it at the same time.
import { sql } from 'slonik';
import { z } from 'zod';
import { enqueueMail } from '#src/mail/mail-outbox.js';
import { MAX_ATTEMPTS, retryDelayMs } from './retry-schedule.js';
import type { Claimed, SenderOptions } from './sender.js';
import type { AttemptOutcome } from './webhook-http.js';

const endpointRow = z.object({
  account_id: z.string(),
  url: z.string(),
  failing_since: z.number().nullable(),
  disabled_at: z.number().nullable(),
  /** Null while the account is being deleted: then nobody is told. */
  owner_email: z.string().nullable(),
});

/** Records a failed attempt; true when it disabled the endpoint (its pending deliveries must be parked). */
export async function recordFailure(
  options: Pick<SenderOptions, 'pool' | 'clock' | 'disableAfterMs' | 'dashboardUrl'>,
  delivery: Claimed,
  outcome: AttemptOutcome & { error: string },
): Promise<boolean> {
  const now = options.clock.now();
  const at = sql.timestamp(now);
  const giveUp = delivery.attempts >= MAX_ATTEMPTS;
  return options.pool.transaction(async (tx) => {
    // Delivery first, endpoint second: the order the success recorder locks them in.
    await tx.query(sql.unsafe`
      update webhook_deliveries set last_status_code = ${outcome.statusCode ?? null}, last_error = ${outcome.error},
        last_latency_ms = ${outcome.latencyMs}, status = ${giveUp ? 'failed' : 'pending'},
        next_attempt_at = ${sql.timestamp(new Date(now.getTime() + retryDelayMs(delivery.attempts)))}
      where endpoint_id = ${delivery.endpoint_id} and event_id = ${delivery.event_id} and attempts = ${delivery.attempts}`);
    const endpoint = await tx.maybeOne(sql.type(endpointRow)`
      select e.account_id, e.url, e.failing_since, e.disabled_at,
        case when a.deletion_requested_at is null then a.email end as owner_email
      from webhook_endpoints e join accounts a on a.id = e.account_id
      where e.id = ${delivery.endpoint_id} for update of e`);
    if (!endpoint) return false; // deleted meanwhile
    const failingSince = endpoint.failing_since ?? now.getTime();
    const disables = endpoint.disabled_at === null && failingSince <= now.getTime() - options.disableAfterMs;
    if (!disables) {
      if (endpoint.failing_since === null) await tx.query(sql.unsafe`update webhook_endpoints set failing_since = ${at} where id = ${delivery.endpoint_id}`);
      return false;
    }
    // The dashboard shows why; nothing more is claimed for it until its owner enables it again.
    await tx.query(sql.unsafe`
      update webhook_endpoints set failing_since = ${sql.timestamp(new Date(failingSince))}, disabled_at = ${at},
        disabled_reason = ${`every delivery failed for ${Math.round(options.disableAfterMs / 3_600_000)} hours`}
      where id = ${delivery.endpoint_id}`);
    if (endpoint.owner_email !== null) {
      const link = `${options.dashboardUrl.replace(/\/+$/, '')}/webhooks/${delivery.endpoint_id}`;
      await enqueueMail(tx, {
        to: endpoint.owner_email,
        accountId: endpoint.account_id,
        template: 'webhook_endpoint_disabled',
        data: { url: endpoint.url, failingSince: new Date(failingSince).toISOString(), lastError: outcome.error, link },
      }, now);
    }
    return true;
  });
}
