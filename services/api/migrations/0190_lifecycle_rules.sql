-- Up Migration
-- Lifecycle rules (issue 17, decision 020). A rule deletes an account's files older than N days or
-- not downloaded for N days (optionally under a folder's subtree and/or with a tag), or aborts its
-- unfinished uploads after N hours. Rules are evaluated in runs: one row per evaluation, claimed by
-- one executor at a time through a lease, and every file a run deletes is recorded with its size and
-- deletion instant in the same transaction as its file.deleted event.

-- When a download URL for the file was last handed out (owner or share link), at most once an hour
-- per file so downloads stay reads; what "not downloaded for N days" is judged by.
alter table files add column last_downloaded_at timestamptz(3);

create table lifecycle_rules (
  id uuid primary key,
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null,
  action text not null check (action in ('delete_older_than', 'delete_not_downloaded', 'abort_uploads')),
  days integer check (days between 1 and 3650),
  hours integer check (hours between 1 and 720),
  -- Folder rows stay when a folder is deleted (decision 013), so this resolves while the account lives.
  folder_id uuid references folders (id) on delete cascade,
  tag text,
  enabled boolean not null,
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null,
  -- When a run of this rule was last scheduled; the scheduler's guard against running too often.
  last_scheduled_at timestamptz(3),
  constraint lifecycle_rules_shape check (
    case action
      when 'abort_uploads' then hours is not null and days is null and folder_id is null and tag is null
      else days is not null and hours is null
    end)
);
create index lifecycle_rules_by_account on lifecycle_rules (account_id, created_at, id);
-- One abort-uploads rule per account: it replaces the operator's default grace for that account.
create unique index lifecycle_rules_one_abort on lifecycle_rules (account_id) where action = 'abort_uploads';

create table lifecycle_runs (
  id uuid primary key,
  rule_id uuid not null references lifecycle_rules (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  -- The instant the rule is evaluated at: the run deletes what matched then, however long it takes.
  evaluated_at timestamptz(3) not null,
  status text not null default 'running' check (status in ('running', 'finished', 'cancelled')),
  -- An executor owns the run until this instant and extends it as it works; a crashed executor's
  -- run is taken over once it passes.
  claimed_until timestamptz(3),
  started_at timestamptz(3) not null,
  finished_at timestamptz(3),
  deleted_files integer not null default 0,
  deleted_bytes bigint not null default 0,
  aborted_uploads integer not null default 0
);
-- At most one open run per rule.
create unique index lifecycle_runs_one_open on lifecycle_runs (rule_id) where status = 'running';
create index lifecycle_runs_by_rule on lifecycle_runs (rule_id, started_at, id);

create table lifecycle_deletions (
  -- A file is deleted at most once, by whichever run got to it.
  file_id uuid primary key references files (id) on delete cascade,
  run_id uuid not null references lifecycle_runs (id) on delete cascade,
  rule_id uuid not null references lifecycle_rules (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  size_bytes bigint not null,
  deleted_at timestamptz(3) not null
);
create index lifecycle_deletions_by_rule on lifecycle_deletions (rule_id, deleted_at, file_id);
create index lifecycle_deletions_by_run on lifecycle_deletions (run_id, deleted_at, file_id);

-- Down Migration
drop table lifecycle_deletions;
drop table lifecycle_runs;
drop table lifecycle_rules;
alter table files drop column last_downloaded_at;
