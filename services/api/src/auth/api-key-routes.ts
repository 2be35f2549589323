import express, { type Router } from 'express';
import { errors } from '#src/platform/errors.js';
import type { ApiKeyService } from './api-keys.js';
import { principalOf, requirePrincipal, type BearerResolver, type Scope } from './authenticate.js';

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
    const body = request.body as { name: string; scopes: Scope[] };
    const key = await deps.apiKeys.create(sessionAccount(request), body);
    response.status(201).set('Cache-Control', 'no-store').json(key);
  });

  router.get('/v1/api-keys', requireSession, async (request, response) => {
    response.json({ data: await deps.apiKeys.list(sessionAccount(request)) });
  });

  router.delete('/v1/api-keys/:id', requireSession, async (request, response) => {
    await deps.apiKeys.revoke(sessionAccount(request), String(request.params.id));
    response.status(204).end();
  });

  return router;
}
