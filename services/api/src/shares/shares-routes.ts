import express, { type Router } from 'express';
import { z } from 'zod';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { errors } from '#src/platform/errors.js';
import { downloadThroughShare, publicShare } from './public-share.js';
import { createFileShare, getShare, listShares, revokeShare, type ShareCreateInput } from './share-service.js';
import type { SharesDeps } from './shares-deps.js';

// The OpenAPI validator has already checked shapes; this only turns query strings into values.
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().optional(),
  file_id: z.string().uuid().optional(),
});

/** The owner's endpoints: an access token or an API key with the matching scope. */
export function sharesRouter(deps: SharesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;

  router.post('/v1/files/:id/shares', write, async (request, response) => {
    const input = (request.body ?? {}) as ShareCreateInput;
    const share = await createFileShare(deps, accountOf(request), String(request.params.id), input);
    // The token is in this answer only: nothing may keep it.
    response.status(201).location(`/v1/shares/${share.id}`).set('Cache-Control', 'no-store').json(share);
  });

  router.get('/v1/shares', read, async (request, response) => {
    const parsed = listQuery.safeParse(request.query);
    if (!parsed.success) {
      throw errors.validationFailed(parsed.error.issues.map((i) => ({ path: `/query/${i.path.join('.')}`, message: i.message })));
    }
    response.json(await listShares(deps, accountOf(request), parsed.data));
  });

  router.get('/v1/shares/:id', read, async (request, response) => {
    response.json(await getShare(deps, accountOf(request), String(request.params.id)));
  });

  router.delete('/v1/shares/:id', remove, async (request, response) => {
    await revokeShare(deps, accountOf(request), String(request.params.id));
    response.status(204).end();
  });

  return router;
}

/** What the public share page calls: no credentials, the token is the only key. */
export function publicSharesRouter(deps: SharesDeps): Router {
  const router = express.Router();

  router.get('/v1/public/shares/:token', async (request, response) => {
    response.set('Cache-Control', 'no-store').json(await publicShare(deps, String(request.params.token)));
  });

  router.post('/v1/public/shares/:token/download', async (request, response) => {
    const body = (request.body ?? {}) as { password?: string };
    const link = await downloadThroughShare(deps, {
      token: String(request.params.token),
      ...(body.password === undefined ? {} : { password: body.password }),
      ip: request.ip ?? 'unknown',
    });
    response.set('Cache-Control', 'no-store').json(link);
  });

  return router;
}
