import { sql, type DatabaseTransactionConnection } from 'slonik';
import type { FileEvent } from '../events/file-events.js';
import type { ShareEvent } from '../events/share-events.js';

/**
 * The only way to record an event: it takes a transaction, so the event commits or rolls back
 * together with the change it describes.
 */
export async function appendToOutbox(transaction: DatabaseTransactionConnection, event: FileEvent | ShareEvent): Promise<void> {
  await transaction.query(sql.unsafe`
    insert into outbox (event_id, account_id, event_type, event)
    values (${event.id}, ${event.subject}, ${event.type}, ${sql.jsonb(event)})`);
}
