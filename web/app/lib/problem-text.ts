// What a problem says to a person. Problems that carry money are re-worded from their structured
// fields so amounts follow the dashboard's one rule (formatMoney), not the API's raw decimals.
import type { Problem } from '@baketsu/sdk';
import { formatBytes, formatMoneyInText } from './format.js';

function field(problem: Problem, name: string): string | undefined {
  const value: unknown = (problem as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The problem's detail, with amounts re-formatted where the problem says which are amounts. */
export function problemDetail(problem: Problem): string | undefined {
  if (problem.code === 'spend_cap_exceeded') {
    const cap = field(problem, 'monthly_spend_cap');
    const estimated = field(problem, 'estimated_monthly_cost');
    const overBy = field(problem, 'over_by');
    const currency = field(problem, 'currency') ?? 'usd';
    if (cap !== undefined && estimated !== undefined && overBy !== undefined) {
      const money = (amount: string) => formatMoneyInText(amount, currency);
      return `The cap is ${money(cap)} a month; with this upload the estimate is ${money(estimated)}, over by ${money(overBy)}.`;
    }
  }
  if (problem.code === 'email_verification_required') {
    // The API counts in bytes ("at most 104857600 bytes"); a person reads sizes.
    const limit = (problem as Record<string, unknown>).limit_bytes;
    const used = (problem as Record<string, unknown>).used_bytes;
    if (typeof limit === 'number' && typeof used === 'number') {
      return `Until you confirm your email address this account stores at most ${formatBytes(limit)}, and ${formatBytes(used)} are in use or being uploaded. Use the link we mailed you, or ask for a new one from the banner above.`;
    }
  }
  return problem.detail;
}
