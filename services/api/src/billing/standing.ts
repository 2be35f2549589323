import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

/**
 * Past due: some invoice failed to be paid and has been neither paid nor voided since. Derived from
 * the invoices rather than kept as a flag, so webhooks arriving out of order cannot flip it wrongly.
 */
export async function isPastDue(db: CommonQueryMethods, accountId: string): Promise<boolean> {
  return db.oneFirst(sql.type(z.object({ past_due: z.boolean() }))`select ${pastDue(accountId)} as past_due`);
}

/** The same rule as a boolean SQL expression, for statements that decide in one round trip (presign). */
export function pastDue(accountId: string) {
  return sql.fragment`exists (
    select 1 from billing_invoices
    where account_id = ${accountId} and payment_failed_at is not null and paid_at is null and status <> 'void'
  )`;
}

/**
 * Throws the 402 `payment_past_due` problem when the account owes a failed payment; nothing already
 * stored is touched. (Presign applies the same rule inside its reserving statement.)
 */
export async function assertAccountInGoodStanding(db: CommonQueryMethods, accountId: string): Promise<void> {
  if (await isPastDue(db, accountId)) throw errors.paymentPastDue();
}
