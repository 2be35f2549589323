import { z } from 'zod';

// The billing-relevant facts, past tense, as one versioned union. Producers build them with the
// helpers below; consumers parse them with `parseFileEvent`, which never throws.
export const FILE_EVENT_SOURCE = 'baketsu/api';
const DATASCHEMA_PREFIX = 'https://baketsu.dev/schemas/events';

const isoTimestamp = z.string().datetime({ offset: true });
const byteCount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const fileStoredData = z.object({
  file_id: z.string().uuid(),
  account_id: z.string().uuid(),
  size_bytes: byteCount,
  content_type: z.string().min(1),
  stored_at: isoTimestamp,
});

const fileDeletedData = z.object({
  file_id: z.string().uuid(),
  account_id: z.string().uuid(),
  size_bytes: byteCount,
  deleted_at: isoTimestamp,
});

const envelope = {
  specversion: z.literal('1.0'),
  id: z.string().uuid(),
  source: z.string().min(1),
  subject: z.string().uuid(),
  time: isoTimestamp,
  datacontenttype: z.literal('application/json'),
  dataschema: z.string().min(1),
};

export const fileEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('file.stored'), data: fileStoredData }),
  z.object({ ...envelope, type: z.literal('file.deleted'), data: fileDeletedData }),
]);

export type FileEvent = z.infer<typeof fileEventSchema>;
export type FileStoredEvent = Extract<FileEvent, { type: 'file.stored' }>;
export type FileDeletedEvent = Extract<FileEvent, { type: 'file.deleted' }>;
export type FileEventType = FileEvent['type'];
export type FileEventData<T extends FileEventType> = Extract<FileEvent, { type: T }>['data'];

export const FILE_EVENT_VERSION = 1;

/** Wraps event data in a CloudEvents 1.0 envelope; `id` is a UUIDv7 made by the caller. */
export function fileEvent<T extends FileEventType>(type: T, id: string, data: FileEventData<T>): Extract<FileEvent, { type: T }> {
  const time = 'stored_at' in data ? data.stored_at : (data as FileEventData<'file.deleted'>).deleted_at;
  return {
    specversion: '1.0',
    id,
    source: FILE_EVENT_SOURCE,
    type,
    subject: data.account_id,
    time,
    datacontenttype: 'application/json',
    dataschema: `${DATASCHEMA_PREFIX}/${type}/v${FILE_EVENT_VERSION}`,
    data,
  } as Extract<FileEvent, { type: T }>;
}

export type ParsedFileEvent = { ok: true; event: FileEvent } | { ok: false; reason: string };

export function parseFileEvent(raw: unknown): ParsedFileEvent {
  let value = raw;
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
    } catch (error) {
      return { ok: false, reason: `not JSON: ${(error as Error).message}` };
    }
  }
  const result = fileEventSchema.safeParse(value);
  if (!result.success) {
    return { ok: false, reason: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') };
  }
  if (result.data.subject !== result.data.data.account_id) return { ok: false, reason: 'subject differs from data.account_id' };
  return { ok: true, event: result.data };
}
