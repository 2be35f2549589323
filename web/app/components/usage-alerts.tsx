import { useFetcher } from '@remix-run/react';
import type { UsageAlert, UsageAlertThresholds } from '@baketsu/sdk';
import { Field } from '#app/components/field.js';
import { Money } from '#app/components/money.js';
import { formatDate, formatMoney } from '#app/lib/format.js';
import { pausedPercentThresholds, thresholdText } from '#app/lib/usage-alerts.js';

type SaveResult = { ok: boolean; errors?: { fields: Record<string, string>; form?: string } };

/** Posts `intent=alert-thresholds` to the dashboard's action; lists the alerts already sent. */
export function UsageAlerts({ settings, alerts }: { settings: UsageAlertThresholds; alerts: UsageAlert[] }) {
  const saver = useFetcher<SaveResult>();
  const busy = saver.state !== 'idle';
  const result = saver.state === 'idle' ? saver.data : undefined;
  const errors = result?.ok === false ? result.errors : undefined;
  const currency = settings.currency.toUpperCase();
  const paused = pausedPercentThresholds(settings);
  return (
    <section className="card" aria-labelledby="usage-alerts">
      <h2 id="usage-alerts">Usage alerts</h2>
      <p className="muted">
        You get an email (and an entry below) once a month for each threshold the month&apos;s estimated cost reaches.
        {settings.monthly_spend_cap === null ? ' Set a spend cap in Settings to use percentages.' : ` Percentages are of your spend cap, ${formatMoney(settings.monthly_spend_cap, settings.currency)}.`}
      </p>
      {paused.length > 0 ? (
        <p className="alert" role="status">
          {paused.join(', ')} {paused.length === 1 ? 'is' : 'are'} paused: there is no spend cap to take {paused.length === 1 ? 'it' : 'them'} from.
          Set a spend cap in Settings, or replace {paused.length === 1 ? 'it' : 'them'} with amounts.
        </p>
      ) : null}
      <saver.Form method="post" style={{ maxWidth: '32rem' }}>
        <input type="hidden" name="intent" value="alert-thresholds" />
        {errors?.form ? <p className="alert" role="alert">{errors.form}</p> : null}
        <Field
          label="Alert when the estimated cost reaches"
          name="thresholds"
          defaultValue={settings.thresholds.map(thresholdText).join(', ')}
          placeholder="50%, 80%, 100%"
          hint={`Percentages of the spend cap (80%) or amounts in ${currency} (25.00), separated by commas. Empty turns alerts off.`}
          error={errors?.fields.thresholds}
        />
        <button type="submit" disabled={busy}>{busy ? 'Saving…' : 'Save alerts'}</button>
        <span role="status" className="ok" style={{ marginLeft: '.5rem' }}>{result?.ok ? 'Saved' : ''}</span>
      </saver.Form>
      {alerts.length === 0 ? (
        <p className="muted">No alert sent yet.</p>
      ) : (
        <div className="table-wrap" style={{ marginTop: '1rem' }}>
          <table aria-label="Alerts sent">
            <thead><tr><th>Month</th><th>Threshold</th><th className="num">Estimated cost</th><th className="hide-narrow">Sent</th></tr></thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id}>
                  <td>{alert.month}</td>
                  <td>
                    {'percent_of_cap' in alert.threshold ? <>{thresholdText(alert.threshold)} (<Money amount={alert.threshold_amount} currency={alert.currency} />)</> : <Money amount={alert.threshold_amount} currency={alert.currency} />}
                  </td>
                  <td className="num"><Money amount={alert.projected_cost} currency={alert.currency} /></td>
                  <td className="hide-narrow">{formatDate(alert.crossed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
