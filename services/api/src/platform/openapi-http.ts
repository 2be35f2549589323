import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import swaggerUiDist from 'swagger-ui-dist';
import { documentSecurityHeaders } from './security-headers.js';

export const openApiSpecPath = fileURLToPath(new URL('../../../../openapi.yaml', import.meta.url));

/** Routes outside the contract: operations endpoints that are not JSON, and the embedded store. */
export const UNDOCUMENTED_PATHS = /^\/(metrics|openapi\.yaml|docs|storage)(\/|$)/;

export function openApiValidator(options: { validateResponses: boolean }): RequestHandler[] {
  return OpenApiValidator.middleware({
    apiSpec: openApiSpecPath,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: options.validateResponses ? { onError: (error) => { throw error; } } : false,
    // Authentication is done by our own middleware, which also knows API keys and revoked sessions.
    validateSecurity: false,
    ignorePaths: UNDOCUMENTED_PATHS,
    validateFormats: true,
    // No operation takes multipart/form-data: uploads go straight to storage.
    fileUploader: false,
  });
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
