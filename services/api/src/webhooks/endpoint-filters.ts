// Which endpoints an event goes to, as one SQL condition shared by the dispatcher's fan-out and by
// replay. An endpoint without filters takes every event of its types; one with a folder and/or tag
// filter takes only events about a file (`file.*`) in that folder at any depth (for `file.moved`:
// before or after the move) and/or carrying that tag, as the file is when the event is dispatched.
import { sql, type FragmentSqlToken } from 'slonik';

/**
 * True when endpoint `e` wants the event of type `eventType` about file `f` (a left-joined `files`
 * row, null for events about no file), which was in folder `previousFolderId` before a move.
 */
export function endpointWants(eventType: FragmentSqlToken, previousFolderId: FragmentSqlToken): FragmentSqlToken {
  return sql.fragment`(
    ${eventType} = any(e.event_types)
    and (
      (e.folder_id is null and e.tag is null)
      or (
        f.id is not null
        and (e.tag is null or f.tags @> array[e.tag])
        and (e.folder_id is null or exists (
          select 1 from folders ef join folders ff on ff.account_id = ef.account_id
          where ef.id = e.folder_id and ff.id in (f.folder_id, ${previousFolderId})
            and (ff.id = ef.id or (ff.path collate "C" >= ef.path || '/' and ff.path collate "C" < ef.path || '0'))
        ))
      )
    )
  )`;
}
