import { errors } from '#src/platform/errors.js';
import type { BillingProvider } from '@baketsu/billing';

/** Embedded default: usage is priced locally by the ledger and nothing is sent anywhere. */
export const ledgerOnlyBillingProvider: BillingProvider = {
  mode: 'ledger',
  createCatalog: () => Promise.reject(errors.billingNotConfigured()),
  createCustomer: () => Promise.reject(errors.billingNotConfigured()),
  createCheckoutSession: () => Promise.reject(errors.billingNotConfigured()),
  expireCheckoutSession: () => Promise.reject(errors.billingNotConfigured()),
  // Nothing was ever subscribed in ledger-only mode.
  cancelSubscription: () => Promise.resolve(),
  createPortalSession: () => Promise.reject(errors.billingNotConfigured()),
  listInvoices: () => Promise.resolve([]),
  sendMeterEvent: () => Promise.reject(errors.billingNotConfigured()),
  meterEventTotal: () => Promise.reject(errors.billingNotConfigured()),
};
