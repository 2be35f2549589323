import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { InvoiceSummary } from '@baketsu/billing';

const billingAccountRow = z.object({
  account_id: z.string(),
  stripe_customer_id: z.string().nullable(),
  subscription_id: z.string().nullable(),
  subscription_status: z.string().nullable(),
  current_period_start: z.number().nullable(),
  current_period_end: z.number().nullable(),
  invoices_synced_at: z.number().nullable(),
});
export type BillingAccountRow = z.infer<typeof billingAccountRow>;

const invoiceRow = z.object({
  id: z.string(),
  status: z.string(),
  currency: z.string(),
  amount_due: z.number(),
  amount_paid: z.number(),
  period_start: z.number().nullable(),
  period_end: z.number().nullable(),
  hosted_invoice_url: z.string().nullable(),
  created_at: z.number(),
});

const checkoutSessionRow = z.object({
  id: z.string(),
  url: z.string().nullable(),
  expires_ms: z.number().nullable(),
});

// The catalog's rows (billing_catalog) are @baketsu/billing's catalogRepository.
export const billingRepository = {
  /** The account's open Checkout Session, if one is remembered. */
  checkoutSession: (db: CommonQueryMethods, accountId: string) =>
    db.maybeOne(sql.type(checkoutSessionRow)`
      select checkout_session_id as id, checkout_session_url as url,
             (extract(epoch from checkout_session_expires_at) * 1000)::int8 as expires_ms
      from billing_accounts where account_id = ${accountId} and checkout_session_id is not null`),

  /** Remembers the session; answers the one it replaces (to be closed), if another. */
  async rememberCheckoutSession(db: CommonQueryMethods, accountId: string, session: { id: string; url: string; expiresAt: Date }): Promise<string | null> {
    const replaced = await db.maybeOneFirst(sql.type(z.object({ replaced: z.string().nullable() }))`
      update billing_accounts b set checkout_session_id = ${session.id}, checkout_session_url = ${session.url},
        checkout_session_expires_at = ${sql.timestamp(session.expiresAt)}, updated_at = now()
      from (select checkout_session_id as replaced from billing_accounts where account_id = ${accountId} for update) previous
      where b.account_id = ${accountId}
      returning previous.replaced`);
    return replaced !== null && replaced !== session.id ? replaced : null;
  },

  /** Forgets the session once it is paid, unless another has been remembered since. */
  async forgetCheckoutSession(db: CommonQueryMethods, accountId: string, sessionId: string): Promise<void> {
    await db.query(sql.unsafe`
      update billing_accounts set checkout_session_id = null, checkout_session_url = null, checkout_session_expires_at = null
      where account_id = ${accountId} and checkout_session_id = ${sessionId}`);
  },

  findAccount: (db: CommonQueryMethods, accountId: string) =>
    db.maybeOne(sql.type(billingAccountRow)`
      select account_id, stripe_customer_id, subscription_id, subscription_status,
             current_period_start, current_period_end, invoices_synced_at
      from billing_accounts where account_id = ${accountId}`),

  accountIdForCustomer: (db: CommonQueryMethods, customerId: string) =>
    db.maybeOneFirst(sql.type(z.object({ account_id: z.string() }))`
      select account_id from billing_accounts where stripe_customer_id = ${customerId}`),

  /** Links a customer unless one is linked already; returns the customer in force. */
  async linkCustomer(db: CommonQueryMethods, accountId: string, customerId: string): Promise<string> {
    return db.oneFirst(sql.type(z.object({ stripe_customer_id: z.string() }))`
      insert into billing_accounts (account_id, stripe_customer_id) values (${accountId}, ${customerId})
      on conflict (account_id) do update
        set stripe_customer_id = coalesce(billing_accounts.stripe_customer_id, excluded.stripe_customer_id),
            updated_at = now()
      returning stripe_customer_id`);
  },

  accountEmail: (db: CommonQueryMethods, accountId: string) =>
    db.oneFirst(sql.type(z.object({ email: z.string() }))`select email from accounts where id = ${accountId}`),

  invoices: (db: CommonQueryMethods, accountId: string) =>
    db.any(sql.type(invoiceRow)`
      select id, status, currency, amount_due, amount_paid, period_start, period_end, hosted_invoice_url, created_at
      from billing_invoices where account_id = ${accountId} order by created_at desc limit 12`),

  /** Upserts one invoice; `paid`/`failed` stamp the moments standing is derived from (first stamp wins). */
  async upsertInvoice(db: CommonQueryMethods, accountId: string, invoice: InvoiceSummary, mark: 'paid' | 'failed' | null): Promise<void> {
    await db.query(sql.unsafe`
      insert into billing_invoices (id, account_id, status, currency, amount_due, amount_paid, period_start, period_end,
                                    hosted_invoice_url, created_at, paid_at, payment_failed_at)
      values (${invoice.id}, ${accountId}, ${invoice.status}, ${invoice.currency}, ${invoice.amountDue}, ${invoice.amountPaid},
              ${toTimestamp(invoice.periodStartMs)}, ${toTimestamp(invoice.periodEndMs)}, ${invoice.hostedInvoiceUrl},
              ${toTimestamp(invoice.createdAtMs)},
              ${mark === 'paid' ? sql.fragment`now()` : null}, ${mark === 'failed' ? sql.fragment`now()` : null})
      on conflict (id) do update set
        -- A paid invoice stays paid, and a voided one void, whatever older event arrives after it.
        status = case
          when billing_invoices.status = 'void' then 'void'
          when billing_invoices.paid_at is not null and ${mark === 'paid'} is false then billing_invoices.status
          else excluded.status end,
        amount_due = excluded.amount_due,
        amount_paid = greatest(billing_invoices.amount_paid, excluded.amount_paid),
        period_start = coalesce(excluded.period_start, billing_invoices.period_start),
        period_end = coalesce(excluded.period_end, billing_invoices.period_end),
        hosted_invoice_url = coalesce(excluded.hosted_invoice_url, billing_invoices.hosted_invoice_url),
        paid_at = coalesce(billing_invoices.paid_at, excluded.paid_at),
        payment_failed_at = coalesce(billing_invoices.payment_failed_at, excluded.payment_failed_at),
        updated_at = now()`);
  },

  async markInvoicesSynced(db: CommonQueryMethods, accountId: string): Promise<void> {
    await db.query(sql.unsafe`update billing_accounts set invoices_synced_at = now() where account_id = ${accountId}`);
  },
};

function toTimestamp(ms: number | null) {
  return ms === null ? null : sql.timestamp(new Date(ms));
}
