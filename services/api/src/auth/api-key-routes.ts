import express, { type Router } from 'express';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedBody } from '#src/platform/contract-validator.js';
import { errors } from '#src/platform/errors.js';
import type { ApiKeyService } from './api-keys.js';
import { principalOf, requirePrincipal, type BearerResolver } from './authenticate.js';

export function apiKeyRouter(deps: { apiKeys: ApiKeyService; resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  // Keys are managed by a signed-in person only: a leaked key must not be able to mint more keys.
  const requireSession = requirePrincipal(deps.resolveBearer);
  const sessionAccount = (request: express.Request) => {
    const principal = principalOf(request);
    if (principal.via !== 'access_token') throw errors.sessionRequired();
    return principal.account.id;
  };

  router.post('/v1/api-keys', requireSession, async (request, response) => {
    const key = await deps.apiKeys.create(sessionAccount(request), validatedBody('createApiKey', request));
    response.status(201).set('Cache-Control', 'no-store').json(key);
  });

  router.get('/v1/api-keys', requireSession, async (request, response) => {
    response.json({ data: await deps.apiKeys.list(sessionAccount(request)) } satisfies ResponseBody<'listApiKeys'>);
  });

  router.delete('/v1/api-keys/:id', requireSession, async (request, response) => {
    await deps.apiKeys.revoke(sessionAccount(request), String(request.params.id));
    response.status(204).end();
  });

  return router;
}
