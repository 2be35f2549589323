// The share links' part of the problem catalogue (platform/errors.ts holds the rest). Kept in the
// feature while other features grow the main catalogue in parallel.
import type { ProblemCode } from '#src/platform/contract-types.js';
import { Problem } from '#src/platform/problem.js';

/** Shown for every link that no longer works, whatever the reason, so the page can say it plainly. */
const gone = (code: ProblemCode, title: string, detail: string) => new Problem({ status: 410, code, title, detail });

export const shareErrors = {
  shareNotFound: (id?: string) =>
    new Problem({
      status: 404,
      code: 'share_not_found',
      title: 'No such share link',
      detail: id === undefined ? 'This link does not exist. Check that it was copied whole.' : `There is no share link ${id}.`,
    }),
  shareRevoked: () => gone('share_revoked', 'This link was revoked', 'Its owner turned this link off. Ask them for a new one.'),
  shareExpired: (at: Date) => gone('share_expired', 'This link has expired', `It stopped working at ${at.toISOString()}.`),
  shareExhausted: (max: number) =>
    gone('share_exhausted', 'This link has been used up', `It allowed ${max} download${max === 1 ? '' : 's'}, and all have been used.`),
  shareTargetDeleted: (kind: 'file' | 'folder' = 'file') =>
    gone('share_target_deleted', `The shared ${kind} was deleted`, `Its owner deleted the ${kind} this link pointed to.`),
  sharePasswordRequired: () =>
    new Problem({
      status: 403,
      code: 'share_password_required',
      title: 'This link needs a password',
      detail: 'Send the password in the request body: {"password": "…"}.',
    }),
  sharePasswordIncorrect: () =>
    new Problem({
      status: 403,
      code: 'share_password_incorrect',
      title: 'The password is incorrect',
      extensions: { errors: [{ path: '/body/password', message: 'is incorrect' }] },
    }),
  shareFileRequired: () =>
    new Problem({
      status: 422,
      code: 'share_file_required',
      title: 'Which file?',
      detail: 'This link shares a folder: name one of its files in the request body: {"file_id": "…"}.',
      extensions: { errors: [{ path: '/body/file_id', message: 'is required for a folder link' }] },
    }),
  invalidShareExpiry: (message: string) =>
    new Problem({
      status: 422,
      code: 'invalid_share_expiry',
      title: 'The expiry is not acceptable',
      detail: `expires_at ${message}.`,
      extensions: { errors: [{ path: '/body/expires_at', message }] },
    }),
} as const;
