// POST /v1/me/delete, the part that answers at once (decision 017). One transaction, under the
// account's row lock, after the password is checked again:
//   - the deletion instant is recorded; every file's billing will stop exactly there;
//   - email, a pending new email and password hash are cleared (the address can register again, as
//     a new account; a link mailed to the pending address then answers 410, not an address change);
//   - every sign-in, API key and share link ends; unfinished uploads are aborted;
//   - each live subscription is ended at the instant, as Stripe's `customer.subscription.deleted`
//     would end it, so the reporter bills up to the instant and then stops;
//   - a goodbye mail goes to the address the account had.
// The files themselves are deleted by the resumable job (deletion-job.ts): an account may hold
// millions, which is no work for one request.
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Clock } from '@baketsu/platform/clock';
import type { PasswordHasher } from '#src/auth/credentials.js';
import { applySubscriptionChange, holdsCustomer } from '#src/billing/subscriptions.js';
import { enqueueMail } from '#src/mail/mail-outbox.js';
import { errors } from '#src/platform/errors.js';
import type { Logger } from '#src/platform/logger.js';

export interface DeletionRequestDeps {
  pool: DatabasePool;
  passwords: PasswordHasher;
  clock: Clock;
  logger: Logger;
}

const lockedAccount = z.object({ id: z.string(), email: z.string().nullable(), password_hash: z.string().nullable(), deletion_requested_at: z.number().nullable() });
const liveSubscription = z.object({
  subscription_id: z.string(),
  stripe_customer_id: z.string(),
  status: z.string(),
  event_at: z.number(),
  report_from_ms: z.number(),
});

/** Checks the password and marks the account deleted at `now`. Returns the deletion instant. */
export async function requestAccountDeletion(deps: DeletionRequestDeps, input: { accountId: string; password: string }): Promise<Date> {
  return deps.pool.transaction(async (tx) => {
    const account = await tx.maybeOne(sql.type(lockedAccount)`
      select id, email, password_hash, deletion_requested_at from accounts where id = ${input.accountId} for update`);
    const matches = account?.password_hash
      ? await deps.passwords.verify(input.password, account.password_hash)
      : await deps.passwords.verifyNothing(input.password);
    if (!account || account.email === null || account.deletion_requested_at !== null || !matches) throw errors.invalidCredentials();
    // Read after the lock: a complete or an upload admission that committed first is in what follows.
    const at = deps.clock.now();
    await tx.query(sql.unsafe`
      update accounts set deletion_requested_at = ${sql.timestamp(at)}, email = null, pending_email = null, password_hash = null, updated_at = ${sql.timestamp(at)}
      where id = ${account.id}`);
    await endAccess(tx, account.id, at);
    await endSubscriptions(tx, account.id, at, deps.logger);
    // Mail still waiting for the account goes with it (decision 016), as its row would on a real
    // delete; the goodbye note outlives it (no account id), sent to the address it had.
    await tx.query(sql.unsafe`delete from mail_outbox where account_id = ${account.id} and sent_at is null and failed_at is null`);
    await enqueueMail(tx, { to: account.email, accountId: null, template: 'account_deleted', data: { deletedAt: at.toISOString() } }, at);
    return at;
  });
}

async function endAccess(tx: DatabaseTransactionConnection, accountId: string, at: Date): Promise<void> {
  await tx.query(sql.unsafe`
    update auth_sessions set revoked_at = ${sql.timestamp(at)}, revoked_reason = 'account_deleted'
    where account_id = ${accountId} and revoked_at is null`);
  await tx.query(sql.unsafe`update api_keys set revoked_at = ${sql.timestamp(at)} where account_id = ${accountId} and revoked_at is null`);
  await tx.query(sql.unsafe`update shares set revoked_at = ${sql.timestamp(at)} where account_id = ${accountId} and revoked_at is null`);
  // A completion still in flight finds its upload no longer pending and stores nothing; the bytes
  // already in storage are removed by the deletion job (and by reconciliation, should it crash).
  await tx.query(sql.unsafe`
    update uploads set status = 'aborted', finished_at = ${sql.timestamp(at)}
    where account_id = ${accountId} and status = 'pending'`);
}

/**
 * Ends every live subscription at the deletion instant in our records, exactly as the webhook for
 * its cancellation would (decision 006, "Ending"): the reporter bills the closed hours and the last
 * partial hour up to the instant, then stops. Stripe itself is told by the deletion job, which
 * retries; its own `customer.subscription.deleted` arrives later and changes nothing that matters
 * (no byte is stored after the instant).
 */
async function endSubscriptions(tx: DatabaseTransactionConnection, accountId: string, at: Date, logger: Logger): Promise<void> {
  const subscriptions = await tx.any(sql.type(liveSubscription)`
    select subscription_id, stripe_customer_id, status, event_at, report_from_ms from billing_subscriptions
    where account_id = ${accountId} order by duplicate_of nulls last, subscription_id`);
  // Duplicates too, and first (the order above), so none takes over as the ended one's heir.
  for (const subscription of subscriptions.filter((row) => holdsCustomer(row.status))) {
    await applySubscriptionChange(tx, {
      accountId,
      customerId: subscription.stripe_customer_id,
      subscriptionId: subscription.subscription_id,
      status: 'canceled',
      // Never older than what was applied last, or the change would be ignored as out of order.
      eventAt: Math.max(subscription.event_at, Math.floor(at.getTime() / 1000)),
      startedAtMs: subscription.report_from_ms,
      endedAtMs: at.getTime(),
      periodStartMs: null,
      periodEndMs: null,
    }, logger);
  }
}
