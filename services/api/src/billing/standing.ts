import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { errors } from '#src/platform/errors.js';

const pastDueRow = z.object({ past_due: z.boolean() });

/**
 * Past due: some invoice failed to be paid and has been neither paid nor voided since. Derived from
 * the invoices rather than kept as a flag, so webhooks arriving out of order cannot flip it wrongly.
 * The rule is the SQL function `account_past_due` (migration 0070), which presign's admission
 * applies in the same statement that reserves the bytes.
 */
export async function isPastDue(db: CommonQueryMethods, accountId: string): Promise<boolean> {
  return db.oneFirst(sql.type(pastDueRow)`select account_past_due(${accountId}) as past_due`);
}

/**
 * Throws the 402 `payment_past_due` problem when the account owes a failed payment; nothing already
 * stored is touched. (Presign applies the same rule inside its reserving statement.)
 */
export async function assertAccountInGoodStanding(db: CommonQueryMethods, accountId: string): Promise<void> {
  if (await isPastDue(db, accountId)) throw errors.paymentPastDue();
}
