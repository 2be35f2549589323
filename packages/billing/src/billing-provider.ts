// The port between billing and whoever charges the money. `stripeBillingProvider` talks to Stripe;
// `ledgerOnlyBillingProvider` is the embedded default that charges nothing.
export interface CatalogSpec {
  /** What the objects were derived from, e.g. 'MiB-hour:usd:0.000002675514'; part of every idempotency key. */
  key: string;
  productName: string;
  meterEventName: string;
  meterDisplayName: string;
  currency: string;
  unitAmountDecimal: string;
  /** Re-use these instead of creating them again (a price change keeps product and meter). */
  existingProductId?: string;
  existingMeterId?: string;
}

export interface CatalogIds {
  productId: string;
  meterId: string;
  priceId: string;
}

export interface InvoiceSummary {
  id: string;
  status: string;
  currency: string;
  /** Minor units (cents). */
  amountDue: number;
  amountPaid: number;
  periodStartMs: number | null;
  periodEndMs: number | null;
  hostedInvoiceUrl: string | null;
  createdAtMs: number;
}

export interface MeterEventReport {
  eventName: string;
  customerId: string;
  /** Whole units as a decimal string. */
  value: string;
  identifier: string;
  timestampMs: number;
}

export interface BillingProvider {
  readonly mode: 'stripe' | 'ledger';
  createCatalog(spec: CatalogSpec): Promise<CatalogIds>;
  createCustomer(input: { accountId: string; email: string }): Promise<string>;
  createCheckoutSession(input: {
    accountId: string;
    customerId: string;
    priceId: string;
    successUrl: string;
    cancelUrl: string;
    /** When the session stops accepting payment (Stripe takes 30 minutes to 24 hours from now). */
    expiresAt: Date;
    /** Requests with the same key (and the same input) get the same session back. */
    idempotencyKey: string;
  }): Promise<{ id: string; url: string }>;
  /** Closes an open Checkout Session so it can no longer be paid; one already closed is left as it is. */
  expireCheckoutSession(sessionId: string): Promise<void>;
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  listInvoices(customerId: string): Promise<InvoiceSummary[]>;
  sendMeterEvent(report: MeterEventReport): Promise<void>;
  /**
   * Cancels a subscription now (account deletion). Stripe invoices its metered usage so far; the
   * last hours are reported afterwards, as for any cancellation. One already cancelled or gone is
   * left as it is.
   */
  cancelSubscription(input: { subscriptionId: string; idempotencyKey: string }): Promise<void>;
  /** Σ of Stripe's aggregated meter values for a customer in [startMs, endMs). */
  meterEventTotal(input: { meterId: string; customerId: string; startMs: number; endMs: number }): Promise<bigint>;
}

/** A provider failure worth retrying later (rate limit, 5xx, network), as opposed to a refusal. */
export class BillingProviderUnavailable extends Error {
  override readonly name = 'BillingProviderUnavailable';
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Stripe refused the request itself (4xx other than 429); retrying the same request will not help. */
export class BillingProviderRejected extends Error {
  override readonly name = 'BillingProviderRejected';
  constructor(
    message: string,
    readonly status: number | null,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
