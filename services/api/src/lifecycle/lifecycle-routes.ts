// /v1/lifecycle-rules: rules, their dry run, runs and deletions. Creating, changing or deleting a
// rule needs the `delete` scope: an enabled rule deletes files.
import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { validatedBody, validatedQuery } from '#src/platform/contract-validator.js';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { createRule, deleteRule, dryRun, getRule, listDeletions, listRules, listRuns, updateRule, type LifecycleServiceDeps } from './lifecycle-service.js';

export function lifecycleRouter(deps: LifecycleServiceDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const read = requirePrincipal(deps.resolveBearer, 'read');
  const remove = requirePrincipal(deps.resolveBearer, 'delete');
  const accountOf = (request: express.Request) => principalOf(request).account.id;
  const idOf = (request: express.Request) => String(request.params.id);

  router.get('/v1/lifecycle-rules', read, async (request, response) => {
    const page = await listRules(deps, accountOf(request), validatedQuery('listLifecycleRules', request));
    response.json(page satisfies ResponseBody<'listLifecycleRules'>);
  });

  router.post('/v1/lifecycle-rules', remove, async (request, response) => {
    const rule = await createRule(deps, accountOf(request), validatedBody('createLifecycleRule', request));
    response.status(201).location(`/v1/lifecycle-rules/${rule.id}`).json(rule satisfies ResponseBody<'createLifecycleRule', 201>);
  });

  // Changes nothing, so reading is enough.
  router.post('/v1/lifecycle-rules/dry-run', read, async (request, response) => {
    const result = await dryRun(deps, accountOf(request), validatedBody('dryRunLifecycleRule', request));
    response.json(result satisfies ResponseBody<'dryRunLifecycleRule'>);
  });

  router.get('/v1/lifecycle-rules/:id', read, async (request, response) => {
    response.json((await getRule(deps, accountOf(request), idOf(request))) satisfies ResponseBody<'getLifecycleRule'>);
  });

  router.patch('/v1/lifecycle-rules/:id', remove, async (request, response) => {
    const change = validatedBody('updateLifecycleRule', request);
    response.json((await updateRule(deps, accountOf(request), idOf(request), change)) satisfies ResponseBody<'updateLifecycleRule'>);
  });

  router.delete('/v1/lifecycle-rules/:id', remove, async (request, response) => {
    await deleteRule(deps, accountOf(request), idOf(request));
    response.status(204).end();
  });

  router.get('/v1/lifecycle-rules/:id/runs', read, async (request, response) => {
    const page = await listRuns(deps, accountOf(request), idOf(request), validatedQuery('listLifecycleRuns', request));
    response.json(page satisfies ResponseBody<'listLifecycleRuns'>);
  });

  router.get('/v1/lifecycle-rules/:id/deletions', read, async (request, response) => {
    const { run_id: runId, ...page } = validatedQuery('listLifecycleDeletions', request);
    const deletions = await listDeletions(deps, accountOf(request), idOf(request), { ...page, ...(runId === undefined ? {} : { runId }) });
    response.json(deletions satisfies ResponseBody<'listLifecycleDeletions'>);
  });

  return router;
}
