// Share links as the dashboard's pages need them, through the SDK: the owner's side (make, list,
// revoke) with the signed-in client, the public page's side with no credentials at all.
import {
  BaketsuError,
  GoneError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  type Baketsu,
  type PublicShare,
  type PublicShareFile,
  type ShareCreateParams,
} from '@baketsu/sdk';
import { z } from 'zod';
import { anonymousClient } from './api.server.js';
import { EXPIRY_CHOICES } from './share-options.js';

const shareForm = z.object({
  expires_in_hours: z.coerce.number().int().refine((hours) => EXPIRY_CHOICES.some(([choice]) => choice === hours), 'Choose an expiry from the list'),
  password: z.string().optional().transform((value) => value || undefined),
  max_downloads: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? Number(value) : undefined))
    .pipe(z.number({ invalid_type_error: 'Enter a whole number' }).int('Enter a whole number').min(1, 'At least 1').max(1_000_000).optional()),
});

export type ShareFormResult =
  | { ok: true; url: string; id: string }
  | { ok: false; fields: Record<string, string>; form?: string };

/** The Share dialog's form → the API's options; a bad field becomes that field's message. */
export function parseShareForm(form: FormData, now = Date.now()): { params: ShareCreateParams } | { fields: Record<string, string> } {
  const parsed = shareForm.safeParse({
    expires_in_hours: form.get('expires_in_hours') ?? '0',
    password: form.get('password') ?? undefined,
    max_downloads: form.get('max_downloads') ?? undefined,
  });
  if (!parsed.success) {
    return { fields: Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), issue.message])) };
  }
  const { expires_in_hours: hours, password, max_downloads } = parsed.data;
  return {
    params: {
      ...(hours > 0 ? { expires_at: new Date(now + hours * 3_600_000).toISOString() } : {}),
      ...(password === undefined ? {} : { password }),
      ...(max_downloads === undefined ? {} : { max_downloads }),
    },
  };
}

export async function listShares(api: Baketsu, cursor: string | undefined) {
  return api.shares.list({ limit: 50, ...(cursor ? { cursor } : {}) });
}

// ---- the public page ----

export type PublicPage =
  | { state: 'ready'; share: PublicShare }
  | { state: 'gone'; code: string; title: string; detail: string }
  | { state: 'unknown' };

/** What the public page shows for a token, and its HTTP status. */
export async function publicPage(token: string): Promise<{ page: PublicPage; status: number }> {
  try {
    return { page: { state: 'ready', share: await anonymousClient().shares.getPublic(token) }, status: 200 };
  } catch (error) {
    return notUsable(error);
  }
}

export type LinkFailure = { ok: false; status: number; page?: PublicPage; passwordError?: string; message?: string };
export type DownloadAttempt = { ok: true; url: string } | LinkFailure;
export type FilesAttempt = { ok: true; files: PublicShareFile[]; nextCursor?: string } | LinkFailure;

/** The visitor's address, forwarded so the API limits password attempts per visitor (believed with TRUST_PROXY). */
const forwardedFor = (clientAddress: string | undefined) => (clientAddress ? { headers: { 'x-forwarded-for': clientAddress } } : {});

/**
 * Takes one download; `fileId` chooses the file of a folder link. `clientAddress` is the visitor's
 * address as this server saw it.
 */
export async function downloadThroughLink(
  token: string,
  password: string | undefined,
  clientAddress: string | undefined,
  fileId?: string,
): Promise<DownloadAttempt> {
  try {
    const params = { ...(password ? { password } : {}), ...(fileId ? { file_id: fileId } : {}) };
    const { url } = await anonymousClient().shares.downloadPublic(token, params, forwardedFor(clientAddress));
    return { ok: true, url };
  } catch (error) {
    return failure(error);
  }
}

/** One page of the files a folder link offers (the password, when the link has one, is checked). */
export async function filesThroughLink(
  token: string,
  password: string | undefined,
  clientAddress: string | undefined,
  cursor?: string,
): Promise<FilesAttempt> {
  try {
    const page = await anonymousClient().shares.listPublicFiles(
      token,
      { limit: 200, ...(password ? { password } : {}), ...(cursor ? { cursor } : {}) },
      forwardedFor(clientAddress),
    );
    return { ok: true, files: page.items, ...(page.next_cursor ? { nextCursor: page.next_cursor } : {}) };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): LinkFailure {
  if (error instanceof PermissionError) {
    const message = error.code === 'share_password_incorrect' ? 'That password is not right.' : 'Enter the password to download.';
    return { ok: false, status: 403, passwordError: message };
  }
  if (error instanceof RateLimitError) {
    const wait = Math.ceil(error.retryAfter ?? 60);
    return { ok: false, status: 429, message: `Too many attempts. Try again in ${wait < 120 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.` };
  }
  // A folder link's file that left the folder (moved or deleted) since the page was shown.
  if (error instanceof NotFoundError && error.code === 'file_not_found') {
    return { ok: false, status: 404, message: 'That file is no longer in this folder. Reload the page to see what is.' };
  }
  const { page, status } = notUsable(error);
  return { ok: false, status, page };
}

function notUsable(error: unknown): { page: PublicPage; status: number } {
  if (error instanceof GoneError) {
    return { page: { state: 'gone', code: error.code ?? 'gone', title: error.problem?.title ?? 'This link no longer works', detail: error.problem?.detail ?? '' }, status: 410 };
  }
  if (error instanceof NotFoundError || (error instanceof BaketsuError && error.status === 400)) return { page: { state: 'unknown' }, status: 404 };
  throw error;
}
