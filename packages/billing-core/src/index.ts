// Billing maths, one module per concern; integers (bigint) until the last step.
export * from './byte-time.js';
export * from './currency.js';
export * from './meter-unit.js';
export * from './pricing.js';
export * from './usage-cost.js';
