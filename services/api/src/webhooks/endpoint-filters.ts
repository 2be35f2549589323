// Which endpoints an event goes to, as one SQL condition shared by the dispatcher's fan-out and by
// replay. An endpoint without filters takes every event of its types. One with a folder and/or tag
// filter takes events about a file (`file.*`) in that folder at any depth (for `file.moved`: before
// or after the move) and/or carrying that tag, as the file is when the event is dispatched. A folder
// event (`folder.moved`) goes to an endpoint with a folder filter when the moved folder is that
// folder or inside it, before or after the move, or holds it (the filter folder's own path changed);
// never to one with a tag filter (a folder has no tags, and a tag filter promises only events about
// files carrying the tag).
import { sql, type FragmentSqlToken } from 'slonik';

/** What an event is about, beyond its type: SQL expressions over the fan-out's or replay's row. */
export interface EventSubject {
  type: FragmentSqlToken;
  /** The folder a folder event is about (null for other events). */
  movedFolderId: FragmentSqlToken;
  /** Before a move: the file's folder (`file.moved`) or the moved folder's parent (`folder.moved`). */
  previousFolderId: FragmentSqlToken;
}

/**
 * True when endpoint `e` wants the event, given `f`, the left-joined `files` row of the file it is
 * about (null for events about no file). Folder paths are read as they are at dispatch time.
 */
export function endpointWants(event: EventSubject): FragmentSqlToken {
  // The filter folder `ef` is one of the candidates `ff` or an ancestor of it. For a folder event the
  // candidates are the moved folder (where it is now) and its old parent: it was inside the filter
  // folder before the move exactly when it was the filter folder or its old parent was at or below it.
  const inFilterFolder = (candidates: FragmentSqlToken) => sql.fragment`exists (
    select 1 from folders ef join folders ff on ff.account_id = ef.account_id
    where ef.id = e.folder_id and ff.id in (${candidates})
      and (ff.id = ef.id or (ff.path collate "C" >= ef.path || '/' and ff.path collate "C" < ef.path || '0'))
  )`;
  // A move of a folder above the filter folder changes the path of everything the endpoint watches,
  // so it hears that move too (the filter folder is inside the moved one, both where they are now).
  const filterFolderInside = (movedFolderId: FragmentSqlToken) => sql.fragment`exists (
    select 1 from folders ef join folders mf on mf.account_id = ef.account_id
    where ef.id = e.folder_id and mf.id = ${movedFolderId}
      and ef.path collate "C" >= mf.path || '/' and ef.path collate "C" < mf.path || '0'
  )`;
  return sql.fragment`(
    ${event.type} = any(e.event_types)
    and (
      (e.folder_id is null and e.tag is null)
      or (
        f.id is not null
        and (e.tag is null or f.tags @> array[e.tag])
        and (e.folder_id is null or ${inFilterFolder(sql.fragment`f.folder_id, ${event.previousFolderId}`)})
      )
      or (
        ${event.movedFolderId} is not null and e.tag is null
        and (${inFilterFolder(sql.fragment`${event.movedFolderId}, ${event.previousFolderId}`)} or ${filterFolderInside(event.movedFolderId)})
      )
    )
  )`;
}
