import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request id: the caller's `X-Request-Id` when it is well formed, else a fresh UUID. */
      id: string;
    }
  }
}

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

const requestContext = new AsyncLocalStorage<string>();

/** The id of the request being handled, for log lines written anywhere while handling it. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore();
}

/** The route template that answered (never the raw path, whose ids would explode label sets). */
export function routeTemplate(request: Request): string | undefined {
  const routePath: unknown = request.route?.path;
  if (typeof routePath !== 'string') return undefined;
  // A router mounted at its one path (the billing webhook) answers on its own '/'.
  return routePath === '/' && request.baseUrl !== '' ? request.baseUrl : `${request.baseUrl}${routePath}`;
}

/**
 * One JSON line per answered request, carrying the request id, which is also echoed in
 * `X-Request-Id` and in every problem. Written with pino directly rather than pino-http: pino-http
 * serialises a child logger with the whole request (headers through redaction) on every request,
 * even when nothing is logged, which cost more than the rest of `GET /v1/me` (decision 007). Every
 * other line written while handling the request gets the id from `currentRequestId` (see logger.ts).
 * Headers are never logged, so credentials cannot reach a log line from here.
 */
export function requestLogging(logger: Logger): RequestHandler {
  // The request line's fields are fixed above and never hold a credential, so it skips the
  // logger's wildcard redaction, which was half the cost of writing it.
  const requestLines = logger.child({}, { redact: [] });
  return (request, response, next) => {
    const incoming = request.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    request.id = id;
    response.setHeader('X-Request-Id', id);
    const startedAt = performance.now();
    // `on`, not `once`: a response closes once, and `once` wraps and later unhooks the listener.
    response.on('close', () => {
      const level = response.statusCode >= 500 ? 'error' : 'info';
      if (!requestLines.isLevelEnabled(level)) return;
      requestLines[level]({
        reqId: id,
        method: request.method,
        // The template groups requests by route; the path (never the query) says which one.
        route: routeTemplate(request),
        path: request.path,
        status: response.statusCode,
        completed: response.writableFinished,
        responseTimeMs: Math.round((performance.now() - startedAt) * 10) / 10,
      }, 'request answered');
    });
    requestContext.run(id, next);
  };
}
