import { sql, type DatabaseTransactionConnection } from 'slonik';
import type { AppEvent } from '../events/app-events.js';
import type { FileEvent } from '../events/file-events.js';
import type { ShareEvent } from '../events/share-events.js';
import type { UsageAlertEvent } from '../events/usage-alert-events.js';

/**
 * The only way to record an event: it takes a transaction, so the event commits or rolls back
 * together with the change it describes.
 */
export async function appendToOutbox(transaction: DatabaseTransactionConnection, event: FileEvent | ShareEvent | UsageAlertEvent | AppEvent): Promise<void> {
  await transaction.query(sql.unsafe`
    insert into outbox (event_id, account_id, event_type, event)
    values (${event.id}, ${event.subject}, ${event.type}, ${sql.jsonb(event)})`);
}

/**
 * Several events in one statement (a recursive delete writes one per file), in the order given:
 * positions are assigned in the order the rows are produced.
 */
export async function appendAllToOutbox(transaction: DatabaseTransactionConnection, events: readonly (FileEvent | AppEvent)[]): Promise<void> {
  if (events.length === 0) return;
  await transaction.query(sql.unsafe`
    insert into outbox (event_id, account_id, event_type, event)
    select e.event_id, e.account_id, e.event_type, e.event
    from unnest(
      ${sql.array(events.map((event) => event.id), 'uuid')},
      ${sql.array(events.map((event) => event.subject), 'uuid')},
      ${sql.array(events.map((event) => event.type), 'text')},
      ${sql.array(events.map((event) => JSON.stringify(event)), 'jsonb')}
    ) with ordinality as e(event_id, account_id, event_type, event, n)
    order by e.n`);
}
