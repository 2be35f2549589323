// The one notification path of live usage (decision 019): the fold's transaction sends
// `pg_notify(USAGE_CHANGED_CHANNEL, account_id)` for every account whose usage it changed, so a
// notification is delivered exactly when the read model holds the new numbers (PostgreSQL delivers
// NOTIFY on commit, and drops it on rollback). The API's processes LISTEN and fan out to their
// open streams. PostgreSQL folds identical notifications of one transaction into one.

/** The LISTEN/NOTIFY channel; its payload is one account id (a UUID, well under NOTIFY's 8,000 bytes). */
export const USAGE_CHANGED_CHANNEL = 'usage_changed';

const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account a notification names, or undefined for a payload that is not one (ignored). */
export function accountOfNotification(payload: string | undefined): string | undefined {
  return payload !== undefined && ACCOUNT_ID.test(payload) ? payload.toLowerCase() : undefined;
}
