import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { downloadThroughShare, publicShare } from './public-share.js';
import { listSharedFiles } from './public-share-files.js';
import { createShare, getShare, listShares, revokeShare } from './share-service.js';
import { parseInput, publicDownloadBody, publicFilesBody, shareCreateBody, shareListQuery, tokenParam, uuidParam } from './shares-input.js';
import type { SharesDeps } from './shares-deps.js';

/** The owner's endpoints: an access token or an API key with the matching scope. */
export function sharesRouter(deps: SharesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const idOf = (request: express.Request) => parseInput(uuidParam, request.params.id, '/path/id');

  const create = (type: 'file' | 'folder') => async (request: express.Request, response: express.Response) => {
    const input = parseInput(shareCreateBody, request.body ?? {}, '/body');
    const id = idOf(request);
    const target = type === 'file' ? { type, fileId: id } : { type, folderId: id };
    const share = await createShare(deps, accountOf(request), target, input);
    // The token is in this answer only: nothing may keep it.
    response.status(201).location(`/v1/shares/${share.id}`).set('Cache-Control', 'no-store').json(share);
  };
  router.post('/v1/files/:id/shares', write, create('file'));
  router.post('/v1/folders/:id/shares', write, create('folder'));

  router.get('/v1/shares', read, async (request, response) => {
    response.json(await listShares(deps, accountOf(request), parseInput(shareListQuery, request.query, '/query')));
  });

  router.get('/v1/shares/:id', read, async (request, response) => {
    response.json(await getShare(deps, accountOf(request), idOf(request)));
  });

  router.delete('/v1/shares/:id', remove, async (request, response) => {
    await revokeShare(deps, accountOf(request), idOf(request));
    response.status(204).end();
  });

  return router;
}

/** What the public share page calls: no credentials, the token is the only key. */
export function publicSharesRouter(deps: SharesDeps): Router {
  const router = express.Router();
  const tokenOf = (request: express.Request) => parseInput(tokenParam, request.params.token, '/path/token');

  router.get('/v1/public/shares/:token', async (request, response) => {
    response.set('Cache-Control', 'no-store').json(await publicShare(deps, tokenOf(request)));
  });

  router.post('/v1/public/shares/:token/files', async (request, response) => {
    const { password, limit, cursor } = parseInput(publicFilesBody, request.body ?? {}, '/body');
    const page = await listSharedFiles(deps, {
      token: tokenOf(request),
      ip: request.ip ?? 'unknown',
      ...(password === undefined ? {} : { password }),
      ...(limit === undefined ? {} : { limit }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    response.set('Cache-Control', 'no-store').json(page);
  });

  router.post('/v1/public/shares/:token/download', async (request, response) => {
    const token = tokenOf(request);
    const { password, file_id: fileId } = parseInput(publicDownloadBody, request.body ?? {}, '/body');
    const link = await downloadThroughShare(deps, {
      token,
      ip: request.ip ?? 'unknown',
      ...(password === undefined ? {} : { password }),
      ...(fileId === undefined ? {} : { fileId }),
    });
    response.set('Cache-Control', 'no-store').json(link);
  });

  return router;
}
