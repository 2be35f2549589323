import type { Request, RequestHandler } from 'express';
import { contractAjv } from './contract-ajv.js';
import { loadContract, openApiSpecPath } from './contract-document.js';
import { compileRequestCheck, type CheckedRequest, type RequestCheck } from './contract-requests.js';
import { checkJsonResponses, compileResponseCheck, type ResponseCheck } from './contract-responses.js';
import { contractRoutes, type ContractRoutes } from './contract-routes.js';
import type { OperationId, QueryParameters, RequestBody } from './contract-types.js';
import { errors } from './errors.js';

export interface ContractValidatorOptions {
  /** Check every JSON response against the contract too (tests; off in production). */
  validateResponses: boolean;
  /** Paths outside the contract, passed on unchecked; any other path the contract lacks is a 404. */
  ignorePaths: RegExp;
  specPath?: string;
}

interface CompiledOperation {
  operationId: string;
  checkRequest: RequestCheck;
  checkResponse: ResponseCheck | undefined;
}

// Compiled once per process and contract: tests build many apps, each would otherwise pay for it.
const compiledContracts = new Map<string, ContractRoutes<CompiledOperation>>();

/** Validators for every operation of openapi.yaml, compiled from the contract when the app is built. */
export function compileContract(options: { validateResponses: boolean; specPath?: string }): ContractRoutes<CompiledOperation> {
  const specPath = options.specPath ?? openApiSpecPath;
  const key = `${specPath}\0${options.validateResponses}`;
  const cached = compiledContracts.get(key);
  if (cached) return cached;
  const { spec, operations } = loadContract(specPath);
  const ajv = { parameters: contractAjv(spec, 'parameters'), body: contractAjv(spec, 'body') };
  const responseAjv = options.validateResponses ? contractAjv(spec, 'response') : undefined;
  const routes = contractRoutes(
    operations.map((operation) => ({
      path: operation.path,
      method: operation.method,
      operation: {
        operationId: operation.operationId,
        checkRequest: compileRequestCheck(operation, ajv),
        checkResponse: responseAjv ? compileResponseCheck(operation, responseAjv) : undefined,
      },
    })),
  );
  compiledContracts.set(key, routes);
  return routes;
}

// What the validator found for each request it let through, for the typed accessors below. Kept
// beside the request rather than on it, so the request object keeps its shape.
const checkedRequests = new WeakMap<Request, CheckedRequest>();

/**
 * Matches each request to its operation in openapi.yaml and validates it there: 404 for a path the
 * contract lacks, 405 (with `Allow`) for a method it lacks on a known path, HEAD as the GET it
 * answers like, then media type, parameters and body. Runs before authentication, as the request's
 * shape is checked before anything reads it.
 */
export function contractValidator(options: ContractValidatorOptions): RequestHandler {
  const routes = compileContract(options);
  return (request, response, next) => {
    try {
      const pathname = request.path;
      const found = routes.find(pathname);
      if (!found) {
        if (options.ignorePaths.test(pathname)) next();
        else next(errors.routeNotFound(request.method, pathname));
        return;
      }
      const { byMethod, allow } = found.path;
      const operation = byMethod.get(request.method) ?? (request.method === 'HEAD' ? byMethod.get('GET') : undefined);
      if (!operation) {
        next(errors.methodNotAllowed(request.method, pathname, allow));
        return;
      }
      checkedRequests.set(request, operation.checkRequest(request, found.params));
      if (operation.checkResponse) checkJsonResponses(response, operation.operationId, operation.checkResponse);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function checkedAs(operationId: OperationId, request: Request): CheckedRequest {
  const checked = checkedRequests.get(request);
  // A handler naming another operation than its route's would read an unchecked shape: a bug, never the client's.
  if (checked?.operationId !== operationId) {
    throw new Error(`${request.method} ${request.path} was validated as ${checked?.operationId ?? 'nothing'}, not ${operationId}`);
  }
  return checked;
}

/** The request's body, validated against `operationId`'s request body in the contract. */
export function validatedBody<Op extends OperationId>(operationId: Op, request: Request): RequestBody<Op> {
  checkedAs(operationId, request);
  return request.body as RequestBody<Op>;
}

/** The request's query, validated against `operationId`'s parameters, coerced, with defaults. */
export function validatedQuery<Op extends OperationId>(operationId: Op, request: Request): QueryParameters<Op> {
  return checkedAs(operationId, request).query as QueryParameters<Op>;
}
