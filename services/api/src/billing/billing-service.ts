import type { DatabasePool } from 'slonik';
import type { Clock } from '@baketsu/platform/clock';
import type { Config } from '#src/platform/config.js';
import { errors } from '#src/platform/errors.js';
import type { Logger } from '#src/platform/logger.js';
import { BillingProviderUnavailable, ensureCatalog, type BillingProvider } from '@baketsu/billing';
import { billingRepository } from './billing-repository.js';
import { byteMsCostMicros, formatMicros, formatMinorUnits, pricePerGibMonthMicros, utcMonth } from '@baketsu/billing-core';
import { byteMsBetween } from '@baketsu/metering/read-model';
import { isPastDue } from './standing.js';

export interface BillingDeps {
  pool: DatabasePool;
  provider: BillingProvider;
  clock: Clock;
  config: Config;
  logger: Logger;
}

/** Checkout requests in one such window share a Stripe idempotency key, and so one session. */
const CHECKOUT_WINDOW_MS = 15 * 60_000;
/** Stripe lets a Checkout Session live 30 minutes to 24 hours: this long after its window ends. */
const CHECKOUT_SESSION_LIFETIME_MS = 60 * 60_000;
/** A session with less time than this left is not handed out again; a fresh one is made. */
const CHECKOUT_REUSE_MIN_LEFT_MS = 15 * 60_000;

// Statuses under which a second subscription would double-bill the same usage.
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete']);

export function billingService(deps: BillingDeps) {
  const { pool, provider, clock, config } = deps;

  async function ensureCustomer(accountId: string): Promise<string> {
    const existing = await billingRepository.findAccount(pool, accountId);
    if (existing?.stripe_customer_id) return existing.stripe_customer_id;
    const email = await billingRepository.accountEmail(pool, accountId);
    const customerId = await provider.createCustomer({ accountId, email });
    return billingRepository.linkCustomer(pool, accountId, customerId);
  }

  return {
    ensureCustomer,

    async checkout(accountId: string): Promise<{ url: string; session_id: string }> {
      if (provider.mode === 'ledger') throw errors.billingNotConfigured();
      const account = await billingRepository.findAccount(pool, accountId);
      if (account?.subscription_id && account.subscription_status && LIVE_STATUSES.has(account.subscription_status)) {
        throw errors.alreadySubscribed(account.subscription_status);
      }
      const catalog = await withProvider(() => ensureCatalog(pool, provider, config));
      const customerId = await withProvider(() => ensureCustomer(accountId));
      // One payable session per account: two (two tabs, a double click) could both be paid, giving
      // two subscriptions that bill the same usage twice. A remembered session with time left to
      // pay is the answer. Otherwise every request in the same quarter hour sends Stripe the same
      // idempotency key and the same input, so concurrent ones get one session back; and the
      // session a new one replaces is closed. No lock is held while Stripe answers.
      const now = clock.now().getTime();
      const open = await billingRepository.checkoutSession(pool, accountId);
      if (open?.url && (open.expires_ms ?? 0) - now >= CHECKOUT_REUSE_MIN_LEFT_MS) return { url: open.url, session_id: open.id };
      const window = Math.floor(now / CHECKOUT_WINDOW_MS) * CHECKOUT_WINDOW_MS;
      const expiresAt = new Date(window + CHECKOUT_WINDOW_MS + CHECKOUT_SESSION_LIFETIME_MS);
      const session = await withProvider(() =>
        provider.createCheckoutSession({
          accountId,
          customerId,
          priceId: catalog.price_id,
          successUrl: `${dashboard(config)}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: `${dashboard(config)}/billing?checkout=cancelled`,
          expiresAt,
          idempotencyKey: `baketsu-checkout-${accountId}-${window}`,
        }),
      );
      const replaced = await billingRepository.rememberCheckoutSession(pool, accountId, { ...session, expiresAt });
      if (replaced) await withProvider(() => provider.expireCheckoutSession(replaced));
      return { url: session.url, session_id: session.id };
    },

    async portal(accountId: string): Promise<{ url: string }> {
      if (provider.mode === 'ledger') throw errors.billingNotConfigured();
      const customerId = await withProvider(() => ensureCustomer(accountId));
      return withProvider(() => provider.createPortalSession({ customerId, returnUrl: `${dashboard(config)}/billing` }));
    },

    async overview(accountId: string) {
      const now = clock.now();
      const month = utcMonth(now);
      const asOf = Math.min(now.getTime(), month.endMs);
      const byteMs = await byteMsBetween(pool, accountId, month.startMs, asOf).catch((error: unknown) => {
        // The projection's tables come with metering's migrations, which may not have run yet.
        if (pgCode(error) === '42P01') throw errors.notReady('Usage metering has not started yet; try again shortly.');
        throw error;
      });
      const costMicros = byteMsCostMicros(byteMs, pricePerGibMonthMicros(config), month.lengthMs);
      const account = await billingRepository.findAccount(pool, accountId);
      const monthToDate = {
        period_start: new Date(month.startMs).toISOString(),
        period_end: new Date(month.endMs).toISOString(),
        as_of: new Date(asOf).toISOString(),
        byte_ms: byteMs.toString(),
        estimated_cost: formatMicros(costMicros),
        currency: config.CURRENCY,
      };
      const plan = {
        status: account?.subscription_status ?? 'none',
        subscription_id: account?.subscription_id ?? null,
        current_period:
          account?.current_period_start != null && account.current_period_end != null
            ? { start: new Date(account.current_period_start).toISOString(), end: new Date(account.current_period_end).toISOString() }
            : null,
      };
      if (provider.mode === 'ledger') {
        const preview = {
          id: `preview-${monthToDate.period_start.slice(0, 7)}`,
          status: 'preview',
          currency: config.CURRENCY,
          amount_due: monthToDate.estimated_cost,
          amount_paid: formatMicros(0n),
          period_start: monthToDate.period_start,
          period_end: monthToDate.period_end,
          hosted_invoice_url: null,
          created_at: monthToDate.as_of,
        };
        return { mode: 'ledger_only' as const, plan, past_due: false, month_to_date: monthToDate, invoices: [preview] };
      }
      if (account?.stripe_customer_id) await refreshInvoices(accountId, account.stripe_customer_id, account.invoices_synced_at);
      const invoices = (await billingRepository.invoices(pool, accountId)).map((row) => ({
        id: row.id,
        status: row.status,
        currency: row.currency,
        amount_due: formatMinorUnits(row.amount_due, row.currency),
        amount_paid: formatMinorUnits(row.amount_paid, row.currency),
        period_start: row.period_start === null ? null : new Date(row.period_start).toISOString(),
        period_end: row.period_end === null ? null : new Date(row.period_end).toISOString(),
        hosted_invoice_url: row.hosted_invoice_url,
        created_at: new Date(row.created_at).toISOString(),
      }));
      return { mode: 'stripe' as const, plan, past_due: await isPastDue(pool, accountId), month_to_date: monthToDate, invoices };
    },
  };

  /** Invoices come from Stripe at most every BILLING_INVOICE_CACHE_SECONDS; webhooks keep the cache fresh between. */
  async function refreshInvoices(accountId: string, customerId: string, syncedAt: number | null): Promise<void> {
    if (syncedAt !== null && clock.now().getTime() - syncedAt < config.BILLING_INVOICE_CACHE_SECONDS * 1000) return;
    try {
      const invoices = await provider.listInvoices(customerId);
      await pool.transaction(async (tx) => {
        for (const invoice of invoices) await billingRepository.upsertInvoice(tx, accountId, invoice, invoice.status === 'paid' ? 'paid' : null);
        await billingRepository.markInvoicesSynced(tx, accountId);
      });
    } catch (error) {
      // The cached invoices are still worth showing; the next request tries again.
      if (!(error instanceof BillingProviderUnavailable)) throw error;
      deps.logger.warn({ err: error, accountId }, 'invoices could not be refreshed from Stripe');
    }
  }
}

async function withProvider<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof BillingProviderUnavailable) throw errors.billingProviderUnavailable();
    throw error;
  }
}

function pgCode(error: unknown): string | undefined {
  const withCode = (value: unknown) => (typeof value === 'object' && value !== null && 'code' in value ? String(value.code) : undefined);
  return withCode(error) ?? withCode(typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined);
}

const dashboard = (config: Config) => config.DASHBOARD_URL.replace(/\/+$/, '');
