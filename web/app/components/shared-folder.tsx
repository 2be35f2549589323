// A folder link on the public page: the folder's files (paths relative to it), a download button
// each. A protected link first asks for the password; it stays in this page's memory only and is
// sent again with each download, which the API checks (and rate-limits) every time.
import { Form, Link } from '@remix-run/react';
import { useState } from 'react';
import type { PublicShareFile } from '@baketsu/sdk';
import { Field } from '#app/components/field.js';
import { fileTypeLabel } from '#app/lib/file-types.js';
import { formatBytes } from '#app/lib/format.js';

interface SharedFolderProps {
  name: string | undefined;
  passwordRequired: boolean;
  /** Undefined until a protected link is unlocked. */
  files: PublicShareFile[] | undefined;
  nextCursor: string | undefined;
  passwordError: string | undefined;
  busy: boolean;
}

export function SharedFolder({ name, passwordRequired, files, nextCursor, passwordError, busy }: SharedFolderProps) {
  const [password, setPassword] = useState('');
  return (
    <>
      <h1 className="file-name" style={{ overflowWrap: 'anywhere' }}>{name ?? 'This folder is protected by a password'}</h1>
      {files === undefined ? (
        <Form method="post" className="stack" aria-label="Unlock the folder">
          <input type="hidden" name="intent" value="unlock" />
          <Field label="Password" name="password" type="password" autoComplete="off" required autoFocus maxLength={256}
            error={passwordError} onChange={(event) => setPassword(event.currentTarget.value)} />
          <button type="submit" disabled={busy}>Show files</button>
        </Form>
      ) : files.length === 0 ? (
        <p className="muted">This folder is empty.</p>
      ) : (
        <ul className="stack" aria-label="Shared files" style={{ listStyle: 'none', padding: 0 }}>
          {files.map((file) => (
            <li key={file.id} className="row" data-testid="shared-file" data-path={file.path} style={{ justifyContent: 'space-between' }}>
              <span style={{ overflowWrap: 'anywhere' }}>
                {file.path} <span className="muted">· {formatBytes(file.size)} · {fileTypeLabel(file.content_type)}</span>
              </span>
              {/* A document form: the answer is a redirect to the file, which the browser saves. */}
              <Form method="post" reloadDocument>
                <input type="hidden" name="intent" value="download" />
                <input type="hidden" name="file_id" value={file.id} />
                {passwordRequired ? <input type="hidden" name="password" value={password} /> : null}
                <button type="submit" className="small" aria-label={`Download ${file.path}`}>Download</button>
              </Form>
            </li>
          ))}
        </ul>
      )}
      {nextCursor && !passwordRequired ? <Link to={`?cursor=${encodeURIComponent(nextCursor)}`}>More files</Link> : null}
      {nextCursor && passwordRequired ? <p className="muted">Only the first 200 files are listed.</p> : null}
    </>
  );
}
