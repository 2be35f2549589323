import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { CatalogIds } from './billing-provider.js';

const catalogRow = z.object({
  key: z.string(),
  product_id: z.string(),
  meter_id: z.string(),
  meter_event_name: z.string(),
  price_id: z.string(),
  unit: z.string(),
  unit_amount_decimal: z.string(),
  currency: z.string(),
});
export type CatalogRow = z.infer<typeof catalogRow>;

/** billing_catalog: the Stripe product, meter and price made for a price and unit (see catalog.ts). */
export const catalogRepository = {
  findCatalog: (db: CommonQueryMethods, key: string) =>
    db.maybeOne(sql.type(catalogRow)`
      select key, product_id, meter_id, meter_event_name, price_id, unit, unit_amount_decimal, currency
      from billing_catalog where key = ${key}`),

  /** The newest catalog entry, whose product and meter a new price re-uses. */
  latestCatalog: (db: CommonQueryMethods, meterEventName: string) =>
    db.maybeOne(sql.type(catalogRow)`
      select key, product_id, meter_id, meter_event_name, price_id, unit, unit_amount_decimal, currency
      from billing_catalog where meter_event_name = ${meterEventName} order by created_at desc limit 1`),

  /** First writer wins; a concurrent setup that lost gets the winner's row back. */
  async saveCatalog(db: CommonQueryMethods, row: Omit<CatalogRow, keyof CatalogIds | 'product_id' | 'meter_id' | 'price_id'> & CatalogIds): Promise<CatalogRow> {
    await db.query(sql.unsafe`
      insert into billing_catalog (key, product_id, meter_id, meter_event_name, price_id, unit, unit_amount_decimal, currency)
      values (${row.key}, ${row.productId}, ${row.meterId}, ${row.meter_event_name}, ${row.priceId}, ${row.unit},
              ${row.unit_amount_decimal}, ${row.currency})
      on conflict (key) do nothing`);
    return db.one(sql.type(catalogRow)`
      select key, product_id, meter_id, meter_event_name, price_id, unit, unit_amount_decimal, currency
      from billing_catalog where key = ${row.key}`);
  },
};
