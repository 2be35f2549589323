import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedBody } from '#src/platform/contract-validator.js';
import type { FilesDeps } from './files-deps.js';
import { abortUpload, describeUpload, pendingUploads, resignParts } from './multipart-parts.js';
import { resignSinglePut } from './presign.js';

export function uploadsRouter(deps: FilesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const accountOf = (request: express.Request) => principalOf(request).account.id;

  router.get('/v1/uploads', read, async (request, response) => {
    response.set('Cache-Control', 'no-store').json(await pendingUploads(deps, accountOf(request)));
  });

  router.get('/v1/uploads/:id', read, async (request, response) => {
    response.set('Cache-Control', 'no-store').json(await describeUpload(deps, accountOf(request), String(request.params.id)));
  });

  router.post('/v1/uploads/:id/parts', write, async (request, response) => {
    const { part_numbers } = validatedBody('signUploadParts', request);
    const parts = await resignParts(deps, accountOf(request), String(request.params.id), part_numbers);
    response.set('Cache-Control', 'no-store').json({ parts } satisfies ResponseBody<'signUploadParts'>);
  });

  router.post('/v1/uploads/:id/url', write, async (request, response) => {
    response.set('Cache-Control', 'no-store').json(await resignSinglePut(deps, accountOf(request), String(request.params.id)));
  });

  router.delete('/v1/uploads/:id', write, async (request, response) => {
    await abortUpload(deps, accountOf(request), String(request.params.id));
    response.status(204).end();
  });

  return router;
}
