// A one-line usage summary that follows the live stream (files page): what is stored and what it
// costs, updated without a reload while the page is open.
import type { Usage } from '@baketsu/sdk';
import { Money } from '#app/components/money.js';
import { formatBytes, formatCount } from '#app/lib/format.js';

export function LiveUsageSummary({ usage }: { usage: Usage | null }) {
  if (!usage) return <p className="muted" data-testid="live-usage" data-live="0" aria-live="polite">Loading usage…</p>;
  return (
    <p className="muted" data-testid="live-usage" data-live="1" data-file-count={usage.file_count} data-stored-bytes={usage.stored_bytes} aria-live="polite">
      <span data-testid="live-file-count">{formatCount(usage.file_count)} {usage.file_count === 1 ? 'file' : 'files'}</span>
      {' · '}
      <span data-testid="live-stored-bytes">{formatBytes(usage.stored_bytes)}</span> stored
      {' · '}
      <Money amount={usage.cost_month_to_date.amount} currency={usage.cost_month_to_date.currency} /> so far this month
      {' · '}
      <Money amount={usage.estimated_monthly_cost.amount} currency={usage.estimated_monthly_cost.currency} /> estimated
    </p>
  );
}
