import { z } from 'zod';
import { FILE_EVENT_SOURCE } from './file-events.js';

// Events that apps hear about through webhooks but that carry no change to stored bytes: a file's
// path changed, a folder's path changed (one event for the folder, none for the files inside it), an
// upload nobody finished was given up. They travel on the same outbox as file
// events (one log per account, in order); metering reads past them (NOT_METERED_EVENT_TYPES).
const DATASCHEMA_PREFIX = 'https://baketsu.dev/schemas/events';
export const APP_EVENT_VERSION = 1;

const isoTimestamp = z.string().datetime({ offset: true });
const uuid = z.string().uuid();

/** Where a file is: its folder (null: the root), its name and its whole path. */
const fileLocation = z.object({ folder_id: uuid.nullable(), name: z.string().min(1), path: z.string().min(1) });

const fileMovedData = z.object({
  file_id: uuid,
  account_id: uuid,
  from: fileLocation,
  to: fileLocation,
  moved_at: isoTimestamp,
});

/** Where a folder is: its parent (null: the root), its name and its whole path. */
const folderLocation = z.object({ parent_id: uuid.nullable(), name: z.string().min(1), path: z.string().min(1) });

/** The moved folder's own path; the folders and files inside it moved with it (their paths start with it). */
const folderMovedData = z.object({
  folder_id: uuid,
  account_id: uuid,
  from: folderLocation,
  to: folderLocation,
  moved_at: isoTimestamp,
});

const uploadExpiredData = z.object({
  upload_id: uuid,
  account_id: uuid,
  /** The path the upload was presigned for. */
  name: z.string().min(1),
  size_bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  expired_at: isoTimestamp,
});

const envelope = {
  specversion: z.literal('1.0'),
  id: uuid,
  source: z.string().min(1),
  subject: uuid,
  time: isoTimestamp,
  datacontenttype: z.literal('application/json'),
  dataschema: z.string().min(1),
};

export const appEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('file.moved'), data: fileMovedData }),
  z.object({ ...envelope, type: z.literal('folder.moved'), data: folderMovedData }),
  z.object({ ...envelope, type: z.literal('upload.expired'), data: uploadExpiredData }),
]);

export type AppEvent = z.infer<typeof appEventSchema>;
export type FileMovedEvent = Extract<AppEvent, { type: 'file.moved' }>;
export type FolderMovedEvent = Extract<AppEvent, { type: 'folder.moved' }>;
export type UploadExpiredEvent = Extract<AppEvent, { type: 'upload.expired' }>;
export type FileLocation = z.infer<typeof fileLocation>;
export type FolderLocation = z.infer<typeof folderLocation>;

/** Types of this module, read past by metering (see NOT_METERED_EVENT_TYPES). */
export const APP_EVENT_TYPES: readonly AppEvent['type'][] = ['file.moved', 'folder.moved', 'upload.expired'];

const envelopeOf = (type: AppEvent['type'], id: string, accountId: string, time: string) => ({
  specversion: '1.0' as const,
  id,
  source: FILE_EVENT_SOURCE,
  subject: accountId,
  time,
  datacontenttype: 'application/json' as const,
  dataschema: `${DATASCHEMA_PREFIX}/${type}/v${APP_EVENT_VERSION}`,
});

/** A file was renamed or moved to another folder; `id` is a UUIDv7 made by the caller. */
export function fileMovedEvent(id: string, data: FileMovedEvent['data']): FileMovedEvent {
  return { ...envelopeOf('file.moved', id, data.account_id, data.moved_at), type: 'file.moved', data };
}

/** A folder was renamed or moved to another parent; `id` is a UUIDv7 made by the caller. */
export function folderMovedEvent(id: string, data: FolderMovedEvent['data']): FolderMovedEvent {
  return { ...envelopeOf('folder.moved', id, data.account_id, data.moved_at), type: 'folder.moved', data };
}

/** An upload was never completed and the expiry job gave it up; `id` is a UUIDv7 made by the caller. */
export function uploadExpiredEvent(id: string, data: UploadExpiredEvent['data']): UploadExpiredEvent {
  return { ...envelopeOf('upload.expired', id, data.account_id, data.expired_at), type: 'upload.expired', data };
}
