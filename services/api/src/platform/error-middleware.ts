import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger.js';
import { isLostDatabaseConnection } from '@baketsu/platform/connection-loss';
import { errors, type FieldError } from './errors.js';
import { specificProblem, type FieldCheck } from './field-problems.js';
import { Problem } from './problem.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
  /** http-errors' mark of a message written for the client (set on every 4xx it makes). */
  expose?: boolean;
  /** Response headers the error asks for, e.g. `Allow` on the validator's 405. */
  headers?: Record<string, unknown>;
  code?: string;
}

/** What a client hanging up mid-response looks like to a stream: its own doing, not the server's. */
const CLIENT_WENT_AWAY = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Turns whatever was thrown into a Problem. Errors from body parsing and other libraries are
 * translated to catalogue entries (the contract validator throws Problems itself); anything
 * unknown is a bare 500 and is logged.
 */
export function toProblem(error: unknown, method: string, path: string, bodyLimitBytes: number): Problem {
  if (error instanceof Problem) return error;
  const httpError = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  const status = httpError.status ?? httpError.statusCode;
  if (httpError.type === 'entity.parse.failed') return errors.malformedJson();
  if (httpError.type === 'entity.too.large') return errors.payloadTooLarge(bodyLimitBytes);
  if (httpError.type === 'encoding.unsupported' || httpError.type === 'charset.unsupported') {
    return errors.unsupportedMediaType(httpError.message ?? 'Unsupported encoding.');
  }
  if (status === 404) return errors.routeNotFound(method, path);
  if (status === 415) return errors.unsupportedMediaType(httpError.message ?? 'Send application/json.');
  if (status === 413) return errors.payloadTooLarge(bodyLimitBytes);
  // Any other client error a library raised (a path escape that does not decode, a gzip body that
  // does not inflate) is the client's to fix, never a 500.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return errors.badRequest(httpError.expose === true && httpError.message ? httpError.message : 'The request could not be read.');
  }
  // A dropped database connection is a blip, not a bug. The pool already ran again what was safe
  // to (decision 021); what is left may or may not have taken effect (a write cut mid-statement or
  // at COMMIT), so the client is told to come back (the SDK retries 503 with Retry-After).
  if (isLostDatabaseConnection(error)) return errors.databaseUnavailable();
  return errors.internal();
}

export function problemMiddleware(options: { bodyLimitBytes: number; logger: Logger; fieldChecks?: readonly FieldCheck[] }): ErrorRequestHandler {
  const { bodyLimitBytes, logger, fieldChecks = [] } = options;
  return (error: unknown, request, response, _next) => {
    if (response.headersSent) {
      // A streamed answer (a download) failed after its status line went out: nothing can be
      // answered any more. Say so in the log as one JSON line (Express's fallback would print a
      // bare stack trace to stderr) and cut the connection, so the client sees a truncated body.
      const code = (error as HttpLikeError | null)?.code;
      if (code !== undefined && CLIENT_WENT_AWAY.has(code)) logger.info({ code }, 'client closed the connection before the response was sent');
      else logger.error({ err: error }, 'response failed after it had started');
      response.destroy();
      return;
    }
    const generic = toProblem(error, request.method, request.path, bodyLimitBytes);
    const problem = generic.code === 'validation_failed'
      ? (specificProblem(fieldChecks, request, fieldErrorsOf(generic)) ?? generic)
      : generic;
    const requestId = typeof request.id === 'string' ? request.id : undefined;
    if (problem.status >= 500) logger.error({ err: error }, 'request failed');
    else logger.info({ code: problem.code, status: problem.status }, 'request refused');
    response
      .status(problem.status)
      .set(problem.headers)
      .type('application/problem+json')
      .send(JSON.stringify(problem.toJSON(requestId, request.originalUrl)));
  };
}

function fieldErrorsOf(problem: Problem): FieldError[] {
  const fieldErrors = problem.extensions['errors'];
  return Array.isArray(fieldErrors) ? (fieldErrors as FieldError[]) : [];
}

export const unknownRouteHandler: RequestHandler = (request, _response, next) => {
  next(errors.routeNotFound(request.method, request.path));
};
