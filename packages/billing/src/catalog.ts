// `npm run billing -- setup`, also run lazily before the first checkout: the Stripe product, the
// meter and the metered price, created once and remembered in billing_catalog.
import type { DatabasePool } from 'slonik';
import { meterUnit, pricePerGibMonthMicros, unitAmountDecimal } from '@baketsu/billing-core';
import type { BillingConfig } from './billing-config.js';
import type { BillingProvider } from './billing-provider.js';
import { catalogRepository as billingRepository, type CatalogRow } from './catalog-repository.js';

export type CatalogConfig = Pick<BillingConfig, 'BILLING_METER_UNIT' | 'CURRENCY' | 'PRICE_PER_GIB_MONTH'>;

export function catalogKey(config: CatalogConfig): { key: string; unitAmount: string; eventName: string } {
  const unit = meterUnit(config.BILLING_METER_UNIT);
  const unitAmount = unitAmountDecimal(pricePerGibMonthMicros(config), unit, config.CURRENCY);
  return { key: `${unit.name}:${config.CURRENCY}:${unitAmount}`, unitAmount, eventName: unit.eventName };
}

/** Idempotent: the stored row when there is one, otherwise Stripe objects made with keyed requests. */
export async function ensureCatalog(pool: DatabasePool, provider: BillingProvider, config: CatalogConfig): Promise<CatalogRow & { created: boolean }> {
  const { key, unitAmount, eventName } = catalogKey(config);
  const stored = await billingRepository.findCatalog(pool, key);
  if (stored) return { ...stored, created: false };
  // A new price (say, PRICE_PER_GIB_MONTH changed) keeps the product and the meter, so usage stays on one meter.
  const previous = await billingRepository.latestCatalog(pool, eventName);
  const ids = await provider.createCatalog({
    key,
    productName: 'Baketsu storage',
    meterEventName: eventName,
    meterDisplayName: `Baketsu storage (${config.BILLING_METER_UNIT}s)`,
    currency: config.CURRENCY,
    unitAmountDecimal: unitAmount,
    ...(previous ? { existingProductId: previous.product_id, existingMeterId: previous.meter_id } : {}),
  });
  const row = await billingRepository.saveCatalog(pool, {
    key,
    ...ids,
    meter_event_name: eventName,
    unit: config.BILLING_METER_UNIT,
    unit_amount_decimal: unitAmount,
    currency: config.CURRENCY,
  });
  return { ...row, created: true };
}
