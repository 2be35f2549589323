import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { routeTemplate } from './request-logging.js';

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/** A registry per app (not prom-client's global one), so tests can build many apps in one process. */
export function createHttpMetrics(registry = new Registry()): HttpMetrics {
  collectDefaultMetrics({ register: registry });
  // Its `_count` series is the request count by route and status, so no separate counter is kept.
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (request, response, next) => {
    const stop = duration.startTimer();
    response.on('finish', () => {
      stop({ method: request.method, route: routeTemplate(request) ?? 'unmatched', status: String(response.statusCode) });
    });
    next();
  };
  return { registry, middleware };
}
