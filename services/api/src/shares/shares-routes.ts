import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { downloadThroughShare, publicShare } from './public-share.js';
import { createFileShare, getShare, listShares, revokeShare } from './share-service.js';
import { parseInput, publicDownloadBody, shareCreateBody, shareListQuery, tokenParam, uuidParam } from './shares-input.js';
import type { SharesDeps } from './shares-deps.js';

/** The owner's endpoints: an access token or an API key with the matching scope. */
export function sharesRouter(deps: SharesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const idOf = (request: express.Request) => parseInput(uuidParam, request.params.id, '/path/id');

  router.post('/v1/files/:id/shares', write, async (request, response) => {
    const input = parseInput(shareCreateBody, request.body ?? {}, '/body');
    const share = await createFileShare(deps, accountOf(request), idOf(request), input);
    // The token is in this answer only: nothing may keep it.
    response.status(201).location(`/v1/shares/${share.id}`).set('Cache-Control', 'no-store').json(share);
  });

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

  router.post('/v1/public/shares/:token/download', async (request, response) => {
    const token = tokenOf(request);
    const { password } = parseInput(publicDownloadBody, request.body ?? {}, '/body');
    const link = await downloadThroughShare(deps, { token, ...(password === undefined ? {} : { password }), ip: request.ip ?? 'unknown' });
    response.set('Cache-Control', 'no-store').json(link);
  });

  return router;
}
