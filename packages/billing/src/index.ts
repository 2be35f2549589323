// Billing shared by the API (checkout, invoices, webhooks) and metering (the hourly Stripe reporter,
// reconciliation, `npm run billing -- setup`): the provider port, its Stripe adapter and the catalog.
export * from './billing-provider.js';
export { billingConfigShape, priceConfigShape, type BillingConfig } from './billing-config.js';
export { catalogKey, ensureCatalog, type CatalogConfig } from './catalog.js';
export { catalogRepository, type CatalogRow } from './catalog-repository.js';
export { classifyStripeError, invoiceSummary, stripeBillingProvider, stripeClient } from './stripe-billing-provider.js';
