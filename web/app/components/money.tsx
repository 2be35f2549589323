import { formatMoney, formatMoneyExact } from '#app/lib/format.js';

/** An amount shown by the one rule (formatMoney), with the exact value in its tooltip. */
export function Money({ amount, currency }: { amount: string | number; currency: string }) {
  const shown = formatMoney(amount, currency);
  const exact = formatMoneyExact(amount, currency);
  return (
    <span className="money" title={exact} data-exact={exact}>
      {shown}
    </span>
  );
}
