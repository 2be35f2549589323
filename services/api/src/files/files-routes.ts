import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedBody, validatedQuery } from '#src/platform/contract-validator.js';
import { moveFiles } from '#src/folders/file-placement.js';
import { errors } from '#src/platform/errors.js';
import { idempotently } from '#src/platform/idempotency.js';
import { completeUpload } from './complete.js';
import { deleteFiles, MAX_BULK_DELETE } from './file-deletion.js';
import { downloadUrl, getFile, listFiles, updateFile } from './file-queries.js';
import { fileJson, type FilesDeps } from './files-deps.js';
import { sqlLimits } from './limits.js';
import { presignUpload } from './presign.js';
import { uploadAdmissions } from './upload-admissions.js';

export function filesRouter(deps: FilesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const presignDeps = { ...deps, admissions: uploadAdmissions(deps.pool, sqlLimits(deps.config)) };

  router.post('/v1/files/presign', write, async (request, response) => {
    const accountId = accountOf(request);
    const body = validatedBody('presignUpload', request);
    const answer = await idempotently(
      deps,
      { accountId, key: request.get('idempotency-key'), request: body },
      async () => ({ status: 201, body: await presignUpload(presignDeps, accountId, body) }),
    );
    if (answer.replayed) response.set('Idempotent-Replayed', 'true');
    response.status(answer.status).location(`/v1/uploads/${answer.body.upload_id}`).set('Cache-Control', 'no-store').json(answer.body);
  });

  router.post('/v1/files/complete', write, async (request, response) => {
    const { file, created } = await completeUpload(deps, accountOf(request), validatedBody('completeUpload', request));
    response.status(created ? 201 : 200).location(`/v1/files/${file.id}`).json(fileJson(file));
  });

  router.post('/v1/files/bulk-delete', remove, async (request, response) => {
    const { ids } = validatedBody('bulkDeleteFiles', request);
    if (ids.length > MAX_BULK_DELETE) throw errors.tooManyIds(MAX_BULK_DELETE);
    const deleted = new Set(await deleteFiles(deps, accountOf(request), ids));
    response.json({ deleted: [...deleted], not_found: [...new Set(ids)].filter((id) => !deleted.has(id)) } satisfies ResponseBody<'bulkDeleteFiles'>);
  });

  router.post('/v1/files/bulk-move', write, async (request, response) => {
    const { ids, folder_id: folderId } = request.body as { ids: string[]; folder_id: string | null };
    if (ids.length > MAX_BULK_DELETE) throw errors.tooManyIds(MAX_BULK_DELETE);
    const accountId = accountOf(request);
    const moved = new Set(await deps.pool.transaction((tx) => moveFiles(tx, accountId, ids, folderId, deps.clock.now())));
    response.json({ moved: [...moved], not_found: [...new Set(ids)].filter((id) => !moved.has(id)) });
  });

  router.get('/v1/files', read, async (request, response) => {
    response.json(await listFiles(deps, accountOf(request), validatedQuery('listFiles', request)));
  });

  router.get('/v1/files/:id', read, async (request, response) => {
    response.json(fileJson(await getFile(deps, accountOf(request), String(request.params.id))) satisfies ResponseBody<'getFile'>);
  });

  router.patch('/v1/files/:id', write, async (request, response) => {
    const change = validatedBody('updateFile', request);
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
