// The dashboard's one text field for usage alert thresholds: "50%, 80%, 25.00" ↔ the API's list.
import type { UsageAlertThreshold, UsageAlertThresholds } from '@baketsu/sdk';

const PERCENT = /^(\d{1,4})\s*%$/;
const AMOUNT = /^\d{1,9}(\.\d{1,6})?$/;

/** Parses a comma-separated list; an empty text turns alerts off. */
export function parseThresholdList(text: string): { ok: true; thresholds: UsageAlertThreshold[] } | { ok: false; error: string } {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  const thresholds: UsageAlertThreshold[] = [];
  for (const part of parts) {
    const percent = PERCENT.exec(part);
    if (percent) thresholds.push({ percent_of_cap: Number(percent[1]) });
    else if (AMOUNT.test(part)) thresholds.push({ amount: part });
    else return { ok: false, error: `"${part}" is neither a percentage (80%) nor an amount (25.00)` };
  }
  return { ok: true, thresholds };
}

/** `{ percent_of_cap: 80 }` → "80%"; `{ amount: '25.500000' }` → "25.5". */
export function thresholdText(threshold: UsageAlertThreshold): string {
  if ('percent_of_cap' in threshold) return `${threshold.percent_of_cap}%`;
  return threshold.amount.includes('.') ? threshold.amount.replace(/\.?0+$/, '') : threshold.amount;
}

/**
 * Percentage thresholds saved while a spend cap was set are kept when the cap is removed, but have
 * nothing to be a percentage of: metering skips them until a cap is set again. Those, as typed.
 */
export function pausedPercentThresholds(settings: Pick<UsageAlertThresholds, 'thresholds' | 'monthly_spend_cap'>): string[] {
  if (settings.monthly_spend_cap !== null) return [];
  return settings.thresholds.filter((threshold) => 'percent_of_cap' in threshold).map(thresholdText);
}
