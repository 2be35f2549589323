// What a problem says to a person. Problems that carry money are re-worded from their structured
// fields so amounts follow the dashboard's one rule (formatMoney), not the API's raw decimals.
import type { Problem } from '@baketsu/sdk';
import { formatMoneyInText } from './format.js';

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
  return problem.detail;
}
