import { readFileSync } from 'node:fs';
import express, { type RequestHandler, type Router } from 'express';
import swaggerUiDist from 'swagger-ui-dist';
import { openApiSpecPath } from './contract-document.js';
import { contractValidator } from './contract-validator.js';
import { documentSecurityHeaders } from './security-headers.js';

/** Routes outside the contract: operations endpoints that are not JSON, and the embedded store. */
export const UNDOCUMENTED_PATHS = /^\/(metrics|openapi\.yaml|docs|storage)(\/|$)/;

/** Requests (and, in tests, responses) validated against openapi.yaml, per operation. */
export function openApiValidator(options: { validateResponses: boolean }): RequestHandler {
  return contractValidator({ validateResponses: options.validateResponses, ignorePaths: UNDOCUMENTED_PATHS });
}

/** `GET /openapi.yaml` and a self-hosted reference at `/docs` that needs no internet access. */
export function documentationRouter(): Router {
  const router = express.Router();
  const spec = readFileSync(openApiSpecPath, 'utf8');
  router.get('/openapi.yaml', (_request, response) => {
    response.type('application/yaml').send(spec);
  });
  router.get('/docs/swagger-initializer.js', (_request, response) => {
    response.type('text/javascript').send(
      `window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi.yaml', dom_id: '#swagger-ui', deepLinking: true }); };`,
    );
  });
  router.use('/docs', documentSecurityHeaders);
  router.get('/docs', (request, response, next) => {
    // Relative asset links in index.html only resolve under a trailing slash.
    if (!request.originalUrl.endsWith('/')) response.redirect(301, '/docs/');
    else next();
  });
  router.use('/docs', express.static(swaggerUiDist.getAbsoluteFSPath(), { index: 'index.html' }));
  return router;
}
