// Billing maths, one module per concern; integers (bigint) until the last step.
export * from './byte-time.js';
export * from './currency.js';
export * from './meter-unit.js';
export * from './money.js';
export * from './month.js';
export * from './pricing.js';
export * from './units.js';
export * from './usage-cost.js';
