// The event types an endpoint can choose, with what each means: for the form (client) and the
// action that reads it (server).
import type { WebhookEventType } from '@baketsu/sdk';

export const EVENT_TYPES: ReadonlyArray<[WebhookEventType, string]> = [
  ['file.stored', 'A file was stored'],
  ['file.deleted', 'A file was deleted'],
  ['file.moved', 'A file was renamed or moved'],
  ['folder.moved', 'A folder was renamed or moved (one event, none for the files inside)'],
  ['upload.expired', 'An unfinished upload expired'],
  ['usage.alert', 'A usage alert fired'],
];
