import { z } from 'zod';
import { FILE_EVENT_SOURCE } from './file-events.js';

// An account's projected month cost reached one of its alert thresholds (once per threshold and
// month). It travels on the same outbox and topic as file events but carries no stored bytes:
// metering reads past it (NOT_METERED_EVENT_TYPES); webhooks deliver it to developers.
const DATASCHEMA_PREFIX = 'https://baketsu.dev/schemas/events';
export const USAGE_ALERT_EVENT_VERSION = 1;

const isoTimestamp = z.string().datetime({ offset: true });
/** Decimal amounts as the API shows money: six places. */
const amount = z.string().regex(/^\d+\.\d{6}$/);

const usageAlertData = z.object({
  alert_id: z.string().uuid(),
  account_id: z.string().uuid(),
  /** YYYY-MM, UTC. */
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  threshold: z.union([z.object({ percent_of_cap: z.number().int().positive() }), z.object({ amount })]),
  threshold_amount: amount,
  projected_cost: amount,
  currency: z.string().min(1),
  crossed_at: isoTimestamp,
});

export const usageAlertEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().uuid(),
  source: z.string().min(1),
  subject: z.string().uuid(),
  time: isoTimestamp,
  datacontenttype: z.literal('application/json'),
  dataschema: z.string().min(1),
  type: z.literal('usage.alert'),
  data: usageAlertData,
});

export type UsageAlertEvent = z.infer<typeof usageAlertEventSchema>;

/** A CloudEvents 1.0 envelope around a crossed threshold; `id` is a UUIDv7 made by the caller. */
export function usageAlertEvent(id: string, data: UsageAlertEvent['data']): UsageAlertEvent {
  return {
    specversion: '1.0',
    id,
    source: FILE_EVENT_SOURCE,
    type: 'usage.alert',
    subject: data.account_id,
    time: data.crossed_at,
    datacontenttype: 'application/json',
    dataschema: `${DATASCHEMA_PREFIX}/usage.alert/v${USAGE_ALERT_EVENT_VERSION}`,
    data,
  };
}
