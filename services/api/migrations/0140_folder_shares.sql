-- Up Migration
-- Folder share links (issue 14): shares.folder_id, made with the shares table before folders
-- existed, now points at a folder row. Folder rows are never removed (a deleted folder keeps its
-- row, deleted_at set), so the key never blocks a delete and a link to a deleted folder can say so.
alter table shares add constraint shares_folder_id_fkey foreign key (folder_id) references folders (id);
create index shares_by_folder on shares (folder_id, created_at, id) where folder_id is not null;

-- Down Migration
drop index shares_by_folder;
alter table shares drop constraint shares_folder_id_fkey;
