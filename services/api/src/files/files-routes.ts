import express, { type Router } from 'express';
import { z } from 'zod';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { moveFiles } from '#src/folders/file-placement.js';
import { errors } from '#src/platform/errors.js';
import { idempotently } from '#src/platform/idempotency.js';
import { completeUpload, type CompleteInput } from './complete.js';
import { deleteFiles, MAX_BULK_DELETE } from './file-deletion.js';
import { downloadUrl, getFile, listFiles, updateFile } from './file-queries.js';
import { fileJson, type FilesDeps } from './files-deps.js';
import { sqlLimits } from './limits.js';
import { presignUpload, type PresignInput } from './presign.js';
import { uploadAdmissions } from './upload-admissions.js';

// The OpenAPI validator has already checked shapes; this only turns query strings into values.
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().optional(),
  q: z.string().optional(),
  type: z.string().optional(),
  tag: z.string().optional(),
  sort: z.enum(['created', 'name', 'size']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

export function filesRouter(deps: FilesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const presignDeps = { ...deps, admissions: uploadAdmissions(deps.pool, sqlLimits(deps.config)) };

  router.post('/v1/files/presign', write, async (request, response) => {
    const accountId = accountOf(request);
    const answer = await idempotently(
      deps,
      { accountId, key: request.get('idempotency-key'), request: request.body },
      async () => ({ status: 201, body: await presignUpload(presignDeps, accountId, request.body as PresignInput) }),
    );
    if (answer.replayed) response.set('Idempotent-Replayed', 'true');
    response.status(answer.status).location(`/v1/uploads/${answer.body.upload_id}`).set('Cache-Control', 'no-store').json(answer.body);
  });

  router.post('/v1/files/complete', write, async (request, response) => {
    const { file, created } = await completeUpload(deps, accountOf(request), request.body as CompleteInput);
    response.status(created ? 201 : 200).location(`/v1/files/${file.id}`).json(fileJson(file));
  });

  router.post('/v1/files/bulk-delete', remove, async (request, response) => {
    const { ids } = request.body as { ids: string[] };
    if (ids.length > MAX_BULK_DELETE) throw errors.tooManyIds(MAX_BULK_DELETE);
    const deleted = new Set(await deleteFiles(deps, accountOf(request), ids));
    response.json({ deleted: [...deleted], not_found: [...new Set(ids)].filter((id) => !deleted.has(id)) });
  });

  router.post('/v1/files/bulk-move', write, async (request, response) => {
    const { ids, folder_id: folderId } = request.body as { ids: string[]; folder_id: string | null };
    if (ids.length > MAX_BULK_DELETE) throw errors.tooManyIds(MAX_BULK_DELETE);
    const accountId = accountOf(request);
    const moved = new Set(await deps.pool.transaction((tx) => moveFiles(tx, accountId, ids, folderId, deps.clock.now())));
    response.json({ moved: [...moved], not_found: [...new Set(ids)].filter((id) => !moved.has(id)) });
  });

  router.get('/v1/files', read, async (request, response) => {
    const parsed = listQuery.safeParse(request.query);
    if (!parsed.success) {
      throw errors.validationFailed(parsed.error.issues.map((i) => ({ path: `/query/${i.path.join('.')}`, message: i.message })));
    }
    response.json(await listFiles(deps, accountOf(request), parsed.data));
  });

  router.get('/v1/files/:id', read, async (request, response) => {
    response.json(fileJson(await getFile(deps, accountOf(request), String(request.params.id))));
  });

  router.patch('/v1/files/:id', write, async (request, response) => {
    const change = request.body as { name?: string; tags?: string[]; folder_id?: string | null };
    response.json(fileJson(await updateFile(deps, accountOf(request), String(request.params.id), change)));
  });

  router.delete('/v1/files/:id', remove, async (request, response) => {
    const id = String(request.params.id);
    const deleted = await deleteFiles(deps, accountOf(request), [id]);
    if (deleted.length === 0) throw errors.fileNotFound(id);
    response.status(204).end();
  });

  router.get('/v1/files/:id/download', read, async (request, response) => {
    const link = await downloadUrl(deps, accountOf(request), String(request.params.id));
    response.set('Cache-Control', 'no-store').json(link);
  });

  return router;
}
