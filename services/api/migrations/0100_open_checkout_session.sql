-- Up Migration
-- The Checkout Session an account has open. Checkout asked twice (two tabs, a double click, a retry)
-- answers with the same session while it is open, so the person cannot complete two and end up
-- with two subscriptions billing the same usage twice. Cleared when a session completes.
alter table billing_accounts
  add column checkout_session_id text,
  add column checkout_session_url text,
  add column checkout_session_expires_at timestamptz;

-- Down Migration
alter table billing_accounts
  drop column checkout_session_id,
  drop column checkout_session_url,
  drop column checkout_session_expires_at;
