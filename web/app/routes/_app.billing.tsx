import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { RouteError } from '#app/components/route-error.js';
import { requireUser } from '#app/lib/auth.server.js';
import { formatByteTime, formatDay } from '#app/lib/format.js';
import { Money } from '#app/components/money.js';
import { formErrorsFrom } from '#app/lib/problems.server.js';

export const meta: MetaFunction = () => [{ title: 'Billing · Baketsu' }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { api, headers } = await requireUser(request);
  return data({ overview: await api.billing.get() }, { headers });
}

export async function action({ request }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  const intent = (await request.formData()).get('intent');
  try {
    const session = intent === 'portal' ? await api.billing.portal() : await api.billing.checkout();
    // Stripe's hosted pages: the only place card details are ever entered.
    return redirect(session.url, { headers });
  } catch (error) {
    const errors = formErrorsFrom(error);
    return data({ error: errors.form ?? 'Billing is not available right now.' }, { status: 409, headers });
  }
}

export default function Billing() {
  const { overview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === 'submitting';
  const { mode, plan, past_due: pastDue, month_to_date: mtd, invoices } = overview;
  const ledgerOnly = mode === 'ledger_only';
  const subscribed = plan.status !== 'none' && plan.status !== 'canceled';
  return (
    <div className="stack">
      <h1>Billing</h1>
      {pastDue ? <p className="alert" role="alert">A payment failed. New uploads are paused until it is paid; nothing you stored is deleted.</p> : null}
      {result?.error ? <p className="alert" role="alert">{result.error}</p> : null}
      <section className="grid" aria-label="This month">
        <div className="card stat">
          <div className="label">Month to date</div>
          <div className="value" data-testid="billing-mtd"><Money amount={mtd.estimated_cost} currency={mtd.currency} /></div>
          <div className="muted" style={{ fontSize: '.8125rem' }}>{formatByteTime(mtd.byte_ms)} since {formatDay(mtd.period_start)}</div>
        </div>
        <div className="card stat">
          <div className="label">Plan</div>
          <div className="value" style={{ textTransform: 'capitalize' }}>{ledgerOnly ? 'Ledger only' : plan.status === 'none' ? 'No subscription' : plan.status.replace('_', ' ')}</div>
          {plan.current_period ? <div className="muted" style={{ fontSize: '.8125rem' }}>Period {formatDay(plan.current_period.start)} – {formatDay(plan.current_period.end)}</div> : null}
        </div>
      </section>
      {ledgerOnly ? (
        <section className="card" aria-labelledby="ledger">
          <h2 id="ledger">No card needed here</h2>
          <p>
            This Baketsu server runs in <strong>ledger-only mode</strong>: your usage is measured and priced exactly as it would be billed,
            but nothing is sent to a payment provider and nothing is charged. The figures above and the preview below show what
            a bill would be: stored bytes × time kept, priced per GiB-month.
          </p>
        </section>
      ) : (
        <section className="card row" aria-label="Subscription">
          <Form method="post" className="row">
            {subscribed ? (
              <button type="submit" name="intent" value="portal" disabled={busy}>{busy ? 'Opening…' : 'Manage billing'}</button>
            ) : (
              <button type="submit" name="intent" value="checkout" disabled={busy}>{busy ? 'Opening…' : 'Subscribe'}</button>
            )}
          </Form>
          <span className="muted">{subscribed ? 'Payment methods, invoices and cancellation in the Stripe portal.' : 'Pay as you go: metered monthly through Stripe.'}</span>
        </section>
      )}
      <section className="card" aria-labelledby="invoices">
        <h2 id="invoices">{ledgerOnly ? 'Invoice preview' : 'Invoices'}</h2>
        {invoices.length === 0 ? <p className="muted">No invoices yet.</p> : (
          <div className="table-wrap">
            <table>
              <thead><tr><th>Period</th><th>Status</th><th className="num">Amount</th><th><span className="visually-hidden">Link</span></th></tr></thead>
              <tbody>
                {invoices.map((invoice) => (
                  <tr key={invoice.id}>
                    <td>{invoice.period_start ? formatDay(invoice.period_start) : formatDay(invoice.created_at)}{invoice.period_end ? ` – ${formatDay(invoice.period_end)}` : ''}</td>
                    <td style={{ textTransform: 'capitalize' }}>{invoice.status}</td>
                    <td className="num"><Money amount={invoice.amount_due} currency={invoice.currency} /></td>
                    <td>{invoice.hosted_invoice_url ? <a href={invoice.hosted_invoice_url} rel="noreferrer" target="_blank">View</a> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError what="billing" />;
}
