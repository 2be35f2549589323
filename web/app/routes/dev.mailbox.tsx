import { data, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { devMailbox } from '#app/lib/account-mail.server.js';
import { fromLoopback } from '#app/lib/client-address.js';
import { formatDate } from '#app/lib/format.js';

export const meta: MetaFunction = () => [{ title: 'Dev mailbox · Baketsu' }];

export const headers: HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });

// No sign-in: whoever forgot their password reads the reset mail here. The API serves the mailbox
// only in development without SMTP, and only to this machine (decision 016); elsewhere this is a 404.
// The API sees this server as its client, so the page checks its own visitor's address too.
export async function loader({ request }: LoaderFunctionArgs) {
  if (!fromLoopback(request)) throw data({ message: 'The dev mailbox is shown only on the machine that runs Baketsu.' }, { status: 404 });
  const to = new URL(request.url).searchParams.get('to') ?? undefined;
  const mail = await devMailbox(to);
  if (mail === null) throw data({ message: 'There is no dev mailbox: this Baketsu sends its mail over SMTP.' }, { status: 404 });
  return { mail, to };
}

/** The plain-text body with its links clickable. */
function Body({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/\S+)/);
  return (
    <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
      {parts.map((part, index) => (index % 2 === 1 ? <a key={index} href={part}>{part}</a> : part))}
    </pre>
  );
}

export default function DevMailbox() {
  const { mail, to } = useLoaderData<typeof loader>();
  return (
    <main className="content" id="main" style={{ maxWidth: '48rem', margin: '0 auto' }}>
      <div className="stack">
        <h1>Dev mailbox</h1>
        <p className="muted">
          No SMTP server is set up, so Baketsu keeps its mail here instead of sending it (the latest 50{to ? <>, to {to}</> : null}).
          Set <code>SMTP_URL</code> to send real mail.
        </p>
        {mail.length === 0 ? <p className="notice">No mail yet.</p> : null}
        {mail.map((message) => (
          <article key={message.id} className="card" aria-label={message.subject}>
            <h2 style={{ marginTop: 0 }}>{message.subject}</h2>
            <p className="muted">To {message.to} · {formatDate(message.created_at)}</p>
            <Body text={message.text} />
          </article>
        ))}
      </div>
    </main>
  );
}
