// What the metering service's reporter and reconciliation use from billing.
export * from './billing-provider.js';
export { billingRepository, type CatalogRow } from './billing-repository.js';
export { byteMsBetween, cumulativeByteMs, intervalByteMs, utcMonthBounds } from './byte-time.js';
export { catalogKey, ensureCatalog, type CatalogConfig } from './catalog.js';
export { ledgerOnlyBillingProvider } from './ledger-billing-provider.js';
export * from './meter-unit.js';
export { classifyStripeError, stripeBillingProvider, stripeClient } from './stripe-billing-provider.js';
export { assertAccountInGoodStanding, isPastDue } from './standing.js';
