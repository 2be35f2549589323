import { expect, test } from 'vitest';
import { parseThresholdList, pausedPercentThresholds, thresholdText } from './usage-alerts.js';

test('reads percentages and amounts, and an empty list', () => {
  expect(parseThresholdList(' 50%, 80 % ,25.00,')).toEqual({ ok: true, thresholds: [{ percent_of_cap: 50 }, { percent_of_cap: 80 }, { amount: '25.00' }] });
  expect(parseThresholdList('')).toEqual({ ok: true, thresholds: [] });
  expect(parseThresholdList('80%, lots')).toEqual({ ok: false, error: '"lots" is neither a percentage (80%) nor an amount (25.00)' });
});

test('writes them back as they were typed', () => {
  expect([{ percent_of_cap: 80 }, { amount: '25.500000' }, { amount: '10.000000' }, { amount: '7' }].map(thresholdText)).toEqual(['80%', '25.5', '10', '7']);
});

test('percentages are paused while there is no spend cap, amounts never are', () => {
  const thresholds = [{ percent_of_cap: 80 }, { amount: '25.000000' }, { percent_of_cap: 100 }];
  expect(pausedPercentThresholds({ thresholds, monthly_spend_cap: null })).toEqual(['80%', '100%']);
  expect(pausedPercentThresholds({ thresholds, monthly_spend_cap: '12.000000' })).toEqual([]);
  expect(pausedPercentThresholds({ thresholds: [{ amount: '5' }], monthly_spend_cap: null })).toEqual([]);
});
