import type { components } from '#src/platform/contract-types.js';
import type { DeliveryRow, EndpointRow } from './webhook-repository.js';

type Schemas = components['schemas'];
const PARKED_MS = Date.parse('9999-01-01T00:00:00Z');
const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The owner's view of an endpoint: never its secrets. */
export function webhookJson(row: EndpointRow): Schemas['Webhook'] {
  return {
    id: row.id,
    url: row.url,
    event_types: row.event_types as Schemas['WebhookEventType'][],
    // Absent rather than null: a null id here would read as a folder id to tools that follow ids.
    ...(row.folder_id === null ? {} : { folder_id: row.folder_id }),
    tag: row.tag,
    status: row.disabled_at === null ? 'enabled' : 'disabled',
    disabled_at: isoOrNull(row.disabled_at),
    disabled_reason: row.disabled_reason,
    failing_since: isoOrNull(row.failing_since),
    previous_secret_expires_at: isoOrNull(row.previous_secret_expires_at),
    created_at: new Date(row.created_at).toISOString(),
  };
}

export function deliveryJson(row: DeliveryRow): Schemas['WebhookDelivery'] {
  return {
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    latency_ms: row.last_latency_ms,
    // Null when not pending, or parked while its endpoint is disabled (year 9999).
    next_attempt_at: row.status === 'pending' && row.next_attempt_at < PARKED_MS ? new Date(row.next_attempt_at).toISOString() : null,
    last_attempt_at: isoOrNull(row.last_attempt_at),
    delivered_at: isoOrNull(row.delivered_at),
    created_at: new Date(row.created_at).toISOString(),
  };
}
