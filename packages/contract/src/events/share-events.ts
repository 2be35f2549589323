import { z } from 'zod';
import { APP_EVENT_TYPES } from './app-events.js';
import { FILE_EVENT_SOURCE } from './file-events.js';
import type { UsageAlertEvent } from './usage-alert-events.js';

// Events about share links. They travel on the same outbox and topic as file events (one log per
// account, in order) but say nothing about stored bytes: metering reads past them (see
// NOT_METERED_EVENT_TYPES), while anything that reports on links can fold them.
const DATASCHEMA_PREFIX = 'https://baketsu.dev/schemas/events';
export const SHARE_EVENT_VERSION = 1;

const isoTimestamp = z.string().datetime({ offset: true });

const shareDownloadedData = z.object({
  share_id: z.string().uuid(),
  file_id: z.string().uuid(),
  account_id: z.string().uuid(),
  /** The bytes handed out by this download: the file's size. */
  size_bytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  downloaded_at: isoTimestamp,
});

export const shareEventSchema = z.discriminatedUnion('type', [
  z.object({
    specversion: z.literal('1.0'),
    id: z.string().uuid(),
    source: z.string().min(1),
    subject: z.string().uuid(),
    time: isoTimestamp,
    datacontenttype: z.literal('application/json'),
    dataschema: z.string().min(1),
    type: z.literal('share.downloaded'),
    data: shareDownloadedData,
  }),
]);

export type ShareEvent = z.infer<typeof shareEventSchema>;
export type ShareDownloadedEvent = Extract<ShareEvent, { type: 'share.downloaded' }>;

/**
 * Types on the event log that carry no stored bytes. Metering skips exactly these (no usage change,
 * no dead letter) and still dead-letters every other type it does not know.
 */
export const NOT_METERED_EVENT_TYPES: ReadonlySet<string> = new Set<string>(['share.downloaded', 'usage.alert', ...APP_EVENT_TYPES]);

/** A CloudEvents 1.0 envelope around a download through a link; `id` is a UUIDv7 made by the caller. */
export function shareDownloadedEvent(id: string, data: ShareDownloadedEvent['data']): ShareDownloadedEvent {
  return {
    specversion: '1.0',
    id,
    source: FILE_EVENT_SOURCE,
    type: 'share.downloaded',
    subject: data.account_id,
    time: data.downloaded_at,
    datacontenttype: 'application/json',
    dataschema: `${DATASCHEMA_PREFIX}/share.downloaded/v${SHARE_EVENT_VERSION}`,
    data,
  };
}
