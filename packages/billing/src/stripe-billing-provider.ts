import Stripe from 'stripe';
import type { BillingConfig } from './billing-config.js';
import {
  BillingProviderRejected,
  BillingProviderUnavailable,
  type BillingProvider,
  type CatalogIds,
  type CatalogSpec,
  type InvoiceSummary,
} from './billing-provider.js';

export function stripeClient(
  config: Pick<BillingConfig, 'STRIPE_SECRET_KEY' | 'STRIPE_API_HOST' | 'STRIPE_API_PORT' | 'STRIPE_API_PROTOCOL'>,
  options: { maxNetworkRetries?: number } = {},
): Stripe {
  if (!config.STRIPE_SECRET_KEY) throw new Error('stripeClient() needs STRIPE_SECRET_KEY');
  return new Stripe(config.STRIPE_SECRET_KEY, {
    ...(config.STRIPE_API_HOST ? { host: config.STRIPE_API_HOST } : {}),
    ...(config.STRIPE_API_PORT ? { port: config.STRIPE_API_PORT } : {}),
    ...(config.STRIPE_API_PROTOCOL ? { protocol: config.STRIPE_API_PROTOCOL } : {}),
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: 20_000,
    appInfo: { name: 'baketsu' },
  });
}

export function stripeBillingProvider(stripe: Stripe): BillingProvider {
  return {
    mode: 'stripe',
    createCatalog: (spec) => call(() => createCatalog(stripe, spec)),
    createCustomer: ({ accountId, email }) =>
      call(async () => {
        // Two first requests racing for one account get the same customer back.
        const customer = await stripe.customers.create(
          { email, metadata: { account_id: accountId } },
          { idempotencyKey: `baketsu-customer-${accountId}` },
        );
        return customer.id;
      }),
    createCheckoutSession: (input) =>
      call(async () => {
        const session = await stripe.checkout.sessions.create({
          mode: 'subscription',
          customer: input.customerId,
          client_reference_id: input.accountId,
          // Metered prices take no quantity: usage arrives through meter events.
          line_items: [{ price: input.priceId }],
          subscription_data: { metadata: { account_id: input.accountId } },
          metadata: { account_id: input.accountId },
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          expires_at: Math.floor(input.expiresAt.getTime() / 1000),
        }, { idempotencyKey: input.idempotencyKey });
        if (!session.url) throw new BillingProviderRejected('Stripe returned a Checkout Session without a URL', null);
        return { id: session.id, url: session.url };
      }),
    expireCheckoutSession: (sessionId) =>
      call(async () => {
        try {
          await stripe.checkout.sessions.expire(sessionId);
        } catch (error) {
          // Completed or expired already: it cannot be paid either way.
          if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
          throw error;
        }
      }),
    cancelSubscription: ({ subscriptionId, idempotencyKey }) =>
      call(async () => {
        try {
          await stripe.subscriptions.cancel(subscriptionId, {}, { idempotencyKey });
        } catch (error) {
          // Cancelled already, or unknown to Stripe: either way it bills nothing more.
          if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
          throw error;
        }
      }),
    createPortalSession: ({ customerId, returnUrl }) =>
      call(async () => {
        const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
        return { url: session.url };
      }),
    listInvoices: (customerId) =>
      call(async () => {
        const page = await stripe.invoices.list({ customer: customerId, limit: 12 });
        return page.data.map(invoiceSummary);
      }),
    sendMeterEvent: (report) =>
      call(async () => {
        await stripe.billing.meterEvents.create(
          {
            event_name: report.eventName,
            payload: { stripe_customer_id: report.customerId, value: report.value },
            identifier: report.identifier,
            timestamp: Math.floor(report.timestampMs / 1000),
          },
          // Same key as the identifier: a resend within 24 h is answered from Stripe's idempotency cache.
          { idempotencyKey: report.identifier },
        );
      }),
    meterEventTotal: ({ meterId, customerId, startMs, endMs }) =>
      call(async () => {
        let total = 0n;
        const summaries = stripe.billing.meters.listEventSummaries(meterId, {
          customer: customerId,
          start_time: Math.floor(startMs / 1000),
          end_time: Math.floor(endMs / 1000),
          limit: 100,
        });
        for await (const summary of summaries) total += BigInt(Math.round(summary.aggregated_value));
        return total;
      }),
  };
}

async function createCatalog(stripe: Stripe, spec: CatalogSpec): Promise<CatalogIds> {
  const keyed = (what: string) => ({ idempotencyKey: `baketsu-setup-${what}-${spec.key}` });
  const productId =
    spec.existingProductId ??
    (await stripe.products.create({ name: spec.productName, metadata: { baketsu: 'storage' } }, keyed('product'))).id;
  const meterId = spec.existingMeterId ?? (await findOrCreateMeter(stripe, spec, keyed('meter')));
  const price = await stripe.prices.create(
    {
      currency: spec.currency,
      product: productId,
      billing_scheme: 'per_unit',
      unit_amount_decimal: Stripe.Decimal.from(spec.unitAmountDecimal),
      recurring: { interval: 'month', usage_type: 'metered', meter: meterId },
      nickname: `Storage per ${spec.key.split(':')[0]}`,
      metadata: { baketsu_catalog_key: spec.key },
    },
    keyed('price'),
  );
  return { productId, meterId, priceId: price.id };
}

// Stripe allows one active meter per event name, so an existing one (say, from another database) is adopted.
async function findOrCreateMeter(stripe: Stripe, spec: CatalogSpec, options: Stripe.RequestOptions): Promise<string> {
  for await (const meter of stripe.billing.meters.list({ status: 'active', limit: 100 })) {
    if (meter.event_name === spec.meterEventName) return meter.id;
  }
  const meter = await stripe.billing.meters.create(
    {
      display_name: spec.meterDisplayName,
      event_name: spec.meterEventName,
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    },
    options,
  );
  return meter.id;
}

/** Webhook payloads may be trimmed, so every field has a fallback rather than a NaN. */
export function invoiceSummary(invoice: Stripe.Invoice, fallbackCreatedMs = 0): InvoiceSummary {
  const line = invoice.lines?.data?.[0];
  const ms = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value * 1000 : null);
  const amount = (value: unknown) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : 0);
  return {
    id: invoice.id ?? '',
    status: typeof invoice.status === 'string' ? invoice.status : 'draft',
    currency: typeof invoice.currency === 'string' ? invoice.currency : 'usd',
    amountDue: amount(invoice.amount_due),
    amountPaid: amount(invoice.amount_paid),
    periodStartMs: ms(line?.period?.start) ?? ms(invoice.period_start),
    periodEndMs: ms(line?.period?.end) ?? ms(invoice.period_end),
    hostedInvoiceUrl: typeof invoice.hosted_invoice_url === 'string' ? invoice.hosted_invoice_url : null,
    createdAtMs: ms(invoice.created) ?? fallbackCreatedMs,
  };
}

/** Translates Stripe's errors into the port's two kinds; anything else passes through. */
async function call<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw classifyStripeError(error);
  }
}

export function classifyStripeError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const status = error.statusCode ?? null;
  // 409 is Stripe's lock_timeout or an idempotency key still in use: the same request succeeds later.
  if (error instanceof Stripe.errors.StripeConnectionError || status === 409 || status === 429 || status === null || status >= 500) {
    const retryAfter = Number(error.headers?.['retry-after']);
    return new BillingProviderUnavailable(error.message, Number.isFinite(retryAfter) ? retryAfter * 1000 : null, error);
  }
  return new BillingProviderRejected(error.message, status, error);
}
