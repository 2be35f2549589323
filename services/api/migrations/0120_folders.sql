-- Up Migration
-- Folders (issue 14). A file's place is metadata: files.folder_id points at a folder row, and a
-- folder's path is kept on the folder, so moving or renaming a folder changes folder rows only
-- (the folder and the folders inside it), never the files in it or their storage keys.
--
-- Folder rows are never removed: a deleted folder keeps its row (deleted_at set) and its parent
-- link, so the files that were in it keep pointing at where they were when their billing stopped,
-- and a folder's usage this month still counts files deleted from its subtree.
create table folders (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  parent_id uuid references folders (id),
  name text not null,
  -- '/'-joined names from the root; kept current for live folders only.
  path text not null,
  -- Bytes and count of stored files directly in this folder, kept by the triggers below, so a
  -- folder's size is a sum over its folders, never over its files.
  direct_bytes bigint not null default 0 check (direct_bytes >= 0),
  direct_files bigint not null default 0 check (direct_files >= 0),
  created_at timestamptz(3) not null,
  updated_at timestamptz(3) not null,
  deleted_at timestamptz(3),
  check (parent_id is distinct from id)
);
-- One live folder per name per parent (the root is parent_id null); also what lists a level.
create unique index folders_by_parent on folders (account_id, parent_id, name collate "C") nulls not distinct where deleted_at is null;
-- Lookups by path and a folder's subtree as one index range: [path || '/', path || '0').
create unique index folders_by_path on folders (account_id, path collate "C") where deleted_at is null;
-- A folder's subtree including deleted folders (usage), walked by parent.
create index folders_children on folders (parent_id);

alter table files add column folder_id uuid references folders (id);
alter table uploads add column on_conflict text not null default 'fail' check (on_conflict in ('fail', 'rename', 'replace'));

-- Until now two files could share a name; from here on two stored files cannot share a path. Older
-- duplicates keep the oldest file's name; each later one gets its id before the extension, which
-- no other file can hold ("photo (0190…).jpg"), trimmed to the 255-byte name limit.
with duplicates as (
  select id, name, row_number() over (partition by account_id, name order by created_at, id) as n
  from files where status = 'stored'
), renamed as (
  select id,
    left(case when strpos(name, '.') > 1 then regexp_replace(name, '\.[^.]*$', '') else name end, 150)
      || ' (' || id || ')'
      || case when strpos(name, '.') > 1 then left(substring(name from '\.[^.]*$'), 32) else '' end as name
  from duplicates where n > 1
)
update files f set name = r.name from renamed r where f.id = r.id;

-- Two stored files never share a path: this index is the rule, and lists a folder's files by name.
create unique index files_by_path on files (account_id, folder_id, name collate "C") nulls not distinct where status = 'stored';
-- Files deleted from a folder, for its usage this month.
create index files_deleted_by_folder on files (folder_id, deleted_at) where status <> 'stored';

-- Per-statement triggers with transition tables: one update per folder touched by a statement,
-- however many files it changes (a recursive delete of 100,000 files updates each folder once).
create function folders_count_inserted_files() returns trigger language plpgsql as $$
begin
  update folders f set direct_bytes = f.direct_bytes + d.bytes, direct_files = f.direct_files + d.files
  from (
    select folder_id, sum(size_bytes) as bytes, count(*) as files
    from inserted_files where status = 'stored' and folder_id is not null group by folder_id
  ) d
  where f.id = d.folder_id;
  return null;
end;
$$;

create function folders_count_updated_files() returns trigger language plpgsql as $$
begin
  update folders f set direct_bytes = f.direct_bytes + d.bytes, direct_files = f.direct_files + d.files
  from (
    select folder_id, sum(bytes) as bytes, sum(files) as files from (
      select folder_id, size_bytes as bytes, 1 as files from new_files where status = 'stored'
      union all
      select folder_id, -size_bytes, -1 from old_files where status = 'stored'
    ) changes
    where folder_id is not null
    group by folder_id
    having sum(files) <> 0 or sum(bytes) <> 0
  ) d
  where f.id = d.folder_id;
  return null;
end;
$$;

create function folders_count_deleted_files() returns trigger language plpgsql as $$
begin
  update folders f set direct_bytes = f.direct_bytes - d.bytes, direct_files = f.direct_files - d.files
  from (
    select folder_id, sum(size_bytes) as bytes, count(*) as files
    from deleted_files where status = 'stored' and folder_id is not null group by folder_id
  ) d
  where f.id = d.folder_id;
  return null;
end;
$$;

create trigger files_count_inserted after insert on files
  referencing new table as inserted_files for each statement execute function folders_count_inserted_files();
create trigger files_count_updated after update on files
  referencing old table as old_files new table as new_files for each statement execute function folders_count_updated_files();
create trigger files_count_deleted after delete on files
  referencing old table as deleted_files for each statement execute function folders_count_deleted_files();

-- Down Migration
drop trigger files_count_inserted on files;
drop trigger files_count_updated on files;
drop trigger files_count_deleted on files;
drop function folders_count_inserted_files;
drop function folders_count_updated_files;
drop function folders_count_deleted_files;
drop index files_deleted_by_folder;
drop index files_by_path;
alter table uploads drop column on_conflict;
alter table files drop column folder_id;
drop table folders;
