import express, { type Router } from 'express';
import { z } from 'zod';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import type { FilesDeps } from '#src/files/files-deps.js';
import { errors } from '#src/platform/errors.js';
import type { UsagePrice } from '@baketsu/billing-core';
import { createFolder, deleteFolder, updateFolder } from './folder-changes.js';
import { folderJson } from './folder-json.js';
import { listChildren } from './folder-listing.js';
import { folderRepository, type FolderRow } from './folder-repository.js';
import { folderUsage } from './folder-usage.js';
import { liveFolder } from './folder-tree.js';

export type FoldersDeps = FilesDeps & { resolveBearer: BearerResolver; price: UsagePrice };

// The OpenAPI validator has already checked shapes; these only turn query strings into values.
const childrenQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().optional(),
  q: z.string().min(1).optional(),
});
// The validator may already have turned `recursive` into a boolean; a bare query string is read too.
const deleteQuery = z.object({ recursive: z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]).optional() });
const byPathQuery = z.object({ path: z.string().min(1) });

function parseQuery<T extends z.ZodTypeAny>(schema: T, query: unknown): z.infer<T> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    throw errors.validationFailed(parsed.error.issues.map((i) => ({ path: `/query/${i.path.join('.')}`, message: i.message })));
  }
  return parsed.data;
}

export function foldersRouter(deps: FoldersDeps): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const withTotals = async (row: FolderRow) => folderJson(row, (await folderRepository.totals(deps.pool, [row])).get(row.id)!);

  router.post('/v1/folders', write, async (request, response) => {
    const folder = await createFolder(deps, accountOf(request), request.body as { path: string; parent_id?: string | null });
    response.status(201).location(`/v1/folders/${folder.id}`).json(await withTotals(folder));
  });

  router.get('/v1/folders/by-path', read, async (request, response) => {
    const { path } = parseQuery(byPathQuery, request.query);
    const folder = await folderRepository.findByPath(deps.pool, accountOf(request), path.normalize('NFC'));
    if (!folder) throw errors.folderNotFound(`at "${path}"`);
    response.json(await withTotals(folder));
  });

  router.get('/v1/folders/:id', read, async (request, response) => {
    response.json(await withTotals((await liveFolder(deps.pool, accountOf(request), String(request.params.id)))!));
  });

  router.patch('/v1/folders/:id', write, async (request, response) => {
    const change = request.body as { name?: string; parent_id?: string | null };
    response.json(await withTotals(await updateFolder(deps, accountOf(request), String(request.params.id), change)));
  });

  router.delete('/v1/folders/:id', remove, async (request, response) => {
    const { recursive } = parseQuery(deleteQuery, request.query);
    const result = await deleteFolder(deps, accountOf(request), String(request.params.id), recursive === true);
    response.json({ deleted_files: result.deletedFiles, deleted_folders: result.deletedFolders });
  });

  router.get('/v1/folders/:id/children', read, async (request, response) => {
    const query = parseQuery(childrenQuery, request.query);
    response.json(await listChildren(deps, accountOf(request), String(request.params.id), query));
  });

  router.get('/v1/folders/:id/usage', read, async (request, response) => {
    response.json(await folderUsage(deps, accountOf(request), String(request.params.id)));
  });

  return router;
}
