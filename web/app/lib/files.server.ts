// Files as the dashboard's pages need them, through the SDK.
import { redirect } from '@remix-run/node';
import { NotFoundError, type Baketsu } from '@baketsu/sdk';
import { z } from 'zod';
import { requireUser } from './auth.server.js';
import { QUERY_MAX_LENGTH, SORTS, TAG_MAX_LENGTH, TYPE_FILTERS } from './file-filters.js';

// The query string is typed by anyone: a value the API would refuse drops that filter instead of
// failing the whole page.
const querySchema = z.object({
  q: z.string().trim().max(QUERY_MAX_LENGTH).optional().transform((v) => v || undefined).catch(undefined),
  type: z.enum(TYPE_FILTERS.map(([value]) => value) as [string, ...string[]]).optional().transform((v) => v || undefined).catch(undefined),
  tag: z.string().trim().toLowerCase().max(TAG_MAX_LENGTH).optional().transform((v) => v || undefined).catch(undefined),
  sort: z.enum(SORTS).catch('created'),
  order: z.enum(['asc', 'desc']).optional().catch(undefined),
  cursor: z.string().max(2048).optional().transform((v) => v || undefined).catch(undefined),
  limit: z.coerce.number().int().min(1).max(200).catch(25),
});

export type FileQuery = z.infer<typeof querySchema>;

export function parseFileQuery(url: URL): FileQuery {
  return querySchema.parse(Object.fromEntries(url.searchParams));
}

export async function listFiles(api: Baketsu, query: FileQuery) {
  const { q, type, tag, sort, order, cursor, limit } = query;
  return api.files.list({ q, type, tag, sort, order, cursor, limit });
}

/**
 * A redirect to a short-lived download URL. It carries requireUser's Set-Cookie: refresh tokens are
 * single use, so a browser left holding the spent one would later get the whole sign-in revoked.
 */
export async function downloadRedirect(request: Request, id: string): Promise<Response> {
  const { api, headers } = await requireUser(request);
  try {
    const { url } = await api.files.downloadUrl(id);
    return redirect(url, { headers });
  } catch (error) {
    // A deleted file or a stale link: a plain 404 rather than a server error.
    if (error instanceof NotFoundError) return new Response('File not found', { status: 404, headers });
    throw error;
  }
}

/** Tags as typed in one box: comma-separated, trimmed, de-duplicated (the API lower-cases). */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(',').map((tag) => tag.trim().toLowerCase()).filter(Boolean))];
}
