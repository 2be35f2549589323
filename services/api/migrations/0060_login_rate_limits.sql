-- Up Migration
-- Sign-in attempt counters shared by every API instance (rate-limiter-flexible's Postgres store:
-- this is the table it would create itself, made here so the API never needs DDL rights).
-- Keys are "login-ip:<address>" and "login-account:<normalised email>"; `expire` is epoch ms.
create table login_rate_limits (
  key text primary key,
  points integer not null default 0,
  expire bigint
);

-- Down Migration
drop table login_rate_limits;
