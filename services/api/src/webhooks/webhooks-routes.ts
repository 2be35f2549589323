import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { validatedBody, validatedQuery } from '#src/platform/contract-validator.js';
import { uuidParam, parseInput } from '#src/shares/shares-input.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  replayWebhook,
  rotateWebhookSecret,
  updateWebhook,
  type WebhooksDeps,
} from './webhook-service.js';

/** An access token or an API key: apps register their own endpoints (reading needs `read`, changing `write`). */
export function webhooksRouter(deps: WebhooksDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const write = requirePrincipal(deps.resolveBearer, 'write');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const idOf = (request: express.Request) => parseInput(uuidParam, request.params.id, '/path/id');

  router.post('/v1/webhooks', write, async (request, response) => {
    const webhook = await createWebhook(deps, accountOf(request), validatedBody('createWebhook', request));
    // The secret is in this answer only.
    response.status(201).location(`/v1/webhooks/${webhook.id}`).set('Cache-Control', 'no-store').json(webhook);
  });

  router.get('/v1/webhooks', read, async (request, response) => {
    response.json(await listWebhooks(deps, accountOf(request), validatedQuery('listWebhooks', request)));
  });

  router.get('/v1/webhooks/:id', read, async (request, response) => {
    response.json(await getWebhook(deps, accountOf(request), idOf(request)));
  });

  router.patch('/v1/webhooks/:id', write, async (request, response) => {
    response.json(await updateWebhook(deps, accountOf(request), idOf(request), validatedBody('updateWebhook', request)));
  });

  router.delete('/v1/webhooks/:id', write, async (request, response) => {
    await deleteWebhook(deps, accountOf(request), idOf(request));
    response.status(204).end();
  });

  router.post('/v1/webhooks/:id/rotate-secret', write, async (request, response) => {
    const rotation = await rotateWebhookSecret(deps, accountOf(request), idOf(request), validatedBody('rotateWebhookSecret', request) ?? {});
    response.set('Cache-Control', 'no-store').json(rotation);
  });

  router.get('/v1/webhooks/:id/deliveries', read, async (request, response) => {
    response.json(await listDeliveries(deps, accountOf(request), idOf(request), validatedQuery('listWebhookDeliveries', request)));
  });

  router.post('/v1/webhooks/:id/replay', write, async (request, response) => {
    response.status(202).json(await replayWebhook(deps, accountOf(request), idOf(request), validatedBody('replayWebhook', request)));
  });

  return router;
}
