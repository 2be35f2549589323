// Applies one verified Stripe event. Recording its id and applying it share one transaction, so a
// redelivery is a no-op and a crash half-way leaves nothing recorded (Stripe will deliver again).
import type Stripe from 'stripe';
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Logger } from '#src/platform/logger.js';
import { billingRepository } from './billing-repository.js';
import { applySubscriptionChange } from './subscriptions.js';
import { invoiceSummary } from '@baketsu/billing';
import type { VerifiedEvent } from './webhook-signature.js';

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

export async function applyWebhookEvent(pool: DatabasePool, event: VerifiedEvent, logger: Logger): Promise<WebhookOutcome> {
  return pool.transaction(async (tx) => {
    const fresh = await tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`
      insert into billing_webhook_events (id, type, stripe_created_at) values (${event.id}, ${event.type}, ${event.created})
      on conflict (id) do nothing returning id`);
    if (fresh === null) return 'duplicate';
    const applied = await dispatch(tx, event, logger);
    if (!applied) logger.info({ eventId: event.id, type: event.type }, 'stripe event ignored');
    return applied ? 'applied' : 'ignored';
  });
}

async function dispatch(tx: DatabaseTransactionConnection, event: VerifiedEvent, logger: Logger): Promise<boolean> {
  const object = event.data.object;
  switch (event.type) {
    case 'checkout.session.completed':
      return checkoutCompleted(tx, object as unknown as Stripe.Checkout.Session, event.created, logger);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return subscriptionChanged(tx, object as unknown as Stripe.Subscription, event, logger);
    case 'invoice.paid':
    case 'invoice.payment_failed':
    // A voided invoice is owed no more: its status ('void') lifts the past-due block it caused.
    case 'invoice.voided': {
      const invoice = object as unknown as Stripe.Invoice;
      const accountId = await accountFor(tx, idOf(invoice.customer), invoice.metadata?.account_id);
      if (!accountId || typeof invoice.id !== 'string') return false;
      const mark = event.type === 'invoice.paid' ? 'paid' : event.type === 'invoice.payment_failed' ? 'failed' : null;
      await billingRepository.upsertInvoice(tx, accountId, invoiceSummary(invoice, event.created * 1000), mark);
      return true;
    }
    default:
      return false;
  }
}

async function checkoutCompleted(tx: DatabaseTransactionConnection, session: Stripe.Checkout.Session, created: number, logger: Logger): Promise<boolean> {
  const customerId = idOf(session.customer);
  const accountId = await accountFor(tx, customerId, session.client_reference_id ?? session.metadata?.account_id);
  const subscriptionId = idOf(session.subscription);
  if (!accountId || !customerId || session.mode !== 'subscription' || !subscriptionId) return false;
  await billingRepository.linkCustomer(tx, accountId, customerId);
  // Paid: the next checkout (after a cancellation) needs a session of its own.
  if (typeof session.id === 'string') await billingRepository.forgetCheckoutSession(tx, accountId, session.id);
  // Subscription events carry the authoritative status; this only fills in what they have not said yet
  // (stamped 0, so any subscription event, whenever it arrives, wins).
  const known = await tx.exists(sql.unsafe`select 1 from billing_subscriptions where subscription_id = ${subscriptionId}`);
  if (!known) {
    await applySubscriptionChange(tx, {
      accountId, customerId, subscriptionId, status: 'active', eventAt: 0,
      startedAtMs: created * 1000, endedAtMs: null, periodStartMs: null, periodEndMs: null,
    }, logger);
  }
  return true;
}

async function subscriptionChanged(tx: DatabaseTransactionConnection, subscription: Stripe.Subscription, event: VerifiedEvent, logger: Logger): Promise<boolean> {
  const customerId = idOf(subscription.customer);
  const accountId = await accountFor(tx, customerId, subscription.metadata?.account_id);
  if (!accountId || !customerId || typeof subscription.id !== 'string') return false;
  await billingRepository.linkCustomer(tx, accountId, customerId);
  const status = event.type === 'customer.subscription.deleted' ? 'canceled' : String(subscription.status ?? 'incomplete');
  const item = subscription.items?.data?.[0];
  const periodStart = seconds(item?.current_period_start);
  const periodEnd = seconds(item?.current_period_end);
  const startedAt = seconds(subscription.start_date) ?? seconds(subscription.created) ?? event.created;
  // An ended subscription is still reported up to its end (ended_at; else when it was cancelled,
  // else when Stripe said so).
  const endedAt = status === 'canceled' ? seconds(subscription.ended_at) ?? seconds(subscription.canceled_at) ?? event.created : null;
  await applySubscriptionChange(tx, {
    accountId,
    customerId,
    subscriptionId: subscription.id,
    status,
    eventAt: event.created,
    startedAtMs: startedAt * 1000,
    endedAtMs: endedAt === null ? null : endedAt * 1000,
    periodStartMs: periodStart === null ? null : periodStart * 1000,
    periodEndMs: periodEnd === null ? null : periodEnd * 1000,
  }, logger);
  return true;
}

/** The account of a customer we created; else the account id Checkout or metadata carried, if it exists. */
async function accountFor(tx: DatabaseTransactionConnection, customerId: string | null, hinted: string | null | undefined): Promise<string | null> {
  if (customerId) {
    const linked = await billingRepository.accountIdForCustomer(tx, customerId);
    if (linked) return linked;
  }
  if (!hinted || !z.string().uuid().safeParse(hinted).success) return null;
  return tx.maybeOneFirst(sql.type(z.object({ id: z.string() }))`select id from accounts where id = ${hinted}`);
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (typeof value === 'string') return value;
  return value && typeof value.id === 'string' ? value.id : null;
}

function seconds(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}
