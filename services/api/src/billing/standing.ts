import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

/**
 * Past due: some invoice failed to be paid and has been neither paid nor voided since. Derived from
 * the invoices rather than kept as a flag, so webhooks arriving out of order cannot flip it wrongly.
 */
export async function isPastDue(db: CommonQueryMethods, accountId: string): Promise<boolean> {
  return db.oneFirst(sql.type(z.object({ past_due: z.boolean() }))`
    select exists (
      select 1 from billing_invoices
      where account_id = ${accountId} and payment_failed_at is not null and paid_at is null and status <> 'void'
    ) as past_due`);
}

/**
 * Throws the 402 `payment_past_due` problem when the account owes a failed payment. Called before
 * anything that adds stored bytes (presign); nothing already stored is touched.
 */
export async function assertAccountInGoodStanding(db: CommonQueryMethods, accountId: string): Promise<void> {
  if (await isPastDue(db, accountId)) throw errors.paymentPastDue();
}
