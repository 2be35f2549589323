import { parseFileEvent, type FileEvent, type ParsedFileEvent } from '@baketsu/api/events';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `parseFileEvent` with a fast path. The zod schema costs ~30 µs an event, more than the rest of the
 * fold; events written by our own producer (canonical ISO times, exact field types) are checked by
 * hand here, and anything else, valid or not, goes through the schema, which also names the reason.
 * Every event accepted here is one the schema accepts, with the same fields.
 */
export function decodeFileEvent(raw: unknown): ParsedFileEvent {
  let value: unknown = raw;
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
    } catch {
      return parseFileEvent(raw);
    }
  }
  return fastPath(value) ?? parseFileEvent(value);
}

function fastPath(value: unknown): ParsedFileEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  const d = e.data as Record<string, unknown> | null | undefined;
  if (typeof d !== 'object' || d === null) return undefined;
  if (e.specversion !== '1.0' || e.datacontenttype !== 'application/json') return undefined;
  if (!isUuid(e.id) || !isUuid(e.subject) || !nonEmpty(e.source) || !nonEmpty(e.dataschema) || !isCanonicalTime(e.time)) return undefined;
  if (!isUuid(d.file_id) || d.account_id !== e.subject || !isByteCount(d.size_bytes)) return undefined;
  const envelope = {
    specversion: '1.0' as const,
    id: e.id,
    source: e.source,
    subject: e.subject,
    time: e.time,
    datacontenttype: 'application/json' as const,
    dataschema: e.dataschema,
  };
  if (e.type === 'file.stored') {
    if (!nonEmpty(d.content_type) || !isCanonicalTime(d.stored_at)) return undefined;
    const event: FileEvent = {
      ...envelope,
      type: 'file.stored',
      data: { file_id: d.file_id, account_id: e.subject, size_bytes: d.size_bytes, content_type: d.content_type, stored_at: d.stored_at },
    };
    return { ok: true, event };
  }
  if (e.type === 'file.deleted') {
    if (!isCanonicalTime(d.deleted_at)) return undefined;
    const event: FileEvent = {
      ...envelope,
      type: 'file.deleted',
      data: { file_id: d.file_id, account_id: e.subject, size_bytes: d.size_bytes, deleted_at: d.deleted_at },
    };
    return { ok: true, event };
  }
  return undefined;
}

const isUuid = (value: unknown): value is string => typeof value === 'string' && value.length === 36 && UUID.test(value);
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isByteCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

// Only what Date#toISOString produces (e.g. 2026-11-27T10:00:00.123Z): a string that round-trips is
// a real instant in the schema's format; other spellings take the schema's slower path.
function isCanonicalTime(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 24) return false;
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}
