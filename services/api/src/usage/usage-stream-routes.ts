// `GET /v1/dashboard/usage/stream`: the account's usage as Server-Sent Events, fed by the process's
// one usage hub (usage-stream-hub.ts). Credentials are checked when the stream opens, again with
// every heartbeat (an expired token, a signed-out or deleted account, a revoked key ends the stream
// within one), and on every reconnect, which the server forces after USAGE_STREAM_MAX_SECONDS.
import express, { type Response, type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import type { Logger } from '#src/platform/logger.js';
import { Problem } from '#src/platform/problem.js';
import type { UsageEvent, UsageStreamHub } from './usage-stream-hub.js';

export interface UsageStreamRouterDependencies {
  hub: UsageStreamHub;
  resolveBearer: BearerResolver;
  logger: Logger;
  heartbeatSeconds: number;
  maxSeconds: number;
}

/** How long EventSource waits before reconnecting (SSE `retry:`), in ms. */
const RECONNECT_DELAY_MS = 2_000;
/**
 * A client that stops reading leaves what is written to it in this process's memory. Events are a
 * few hundred bytes and come seldom, so this much unread means the client is gone or stuck: drop it
 * (a live one reconnects and gets the current numbers at once).
 */
const MAX_UNREAD_BYTES = 256 * 1024;

export function usageStreamRouter(deps: UsageStreamRouterDependencies): Router {
  const router = express.Router();
  router.get('/v1/dashboard/usage/stream', requirePrincipal(deps.resolveBearer, 'read'), (request, response) => {
    const accountId = principalOf(request).account.id;
    // requirePrincipal accepted this header, so it holds one bearer token.
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.get('authorization') ?? '')?.[1] ?? '';
    let ended = false;
    let started = false;
    let pending: UsageEvent | undefined;
    let heartbeat: NodeJS.Timeout | undefined;
    let lifetime: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      unregister();
      response.end();
    };
    // Registering first: a refused stream (too many) still answers a problem document.
    const unregister = deps.hub.open(accountId, {
      // The hub may answer at once with numbers it read a moment ago, before the headers are out.
      send: (event) => {
        if (!started) pending = event;
        else if (!ended) write(response, eventText(event));
      },
      fail: () => end(),
    });
    response.status(200);
    response.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      // no-transform: a proxy or compression middleware must pass each event on as it comes.
      'Cache-Control': 'no-cache, no-transform',
      // nginx buffers proxied responses unless told otherwise.
      'X-Accel-Buffering': 'no',
    });
    // The stream stays open for minutes: no socket timeout may cut it.
    request.socket.setTimeout(0);
    request.socket.setNoDelay(true);
    response.flushHeaders();
    write(response, `retry: ${RECONNECT_DELAY_MS}\n\n`);
    started = true;
    if (pending) write(response, eventText(pending));
    // The credentials that opened the stream must still hold at each heartbeat: without this check a
    // stream would outlive its access token's expiry, a password reset or the account's deletion.
    const stillAllowed = async (): Promise<boolean> => {
      try {
        const principal = await deps.resolveBearer(bearer);
        return principal.account.id === accountId && principal.scopes.has('read');
      } catch (error) {
        // Refused credentials end the stream; a database hiccup does not end thousands of them.
        if (error instanceof Problem && (error.status === 401 || error.status === 403)) return false;
        deps.logger.warn({ err: error, accountId }, 'usage stream: credentials could not be checked again');
        return true;
      }
    };
    heartbeat = setInterval(() => {
      void stillAllowed().then((allowed) => (allowed ? write(response, ': heartbeat\n\n') : end()));
    }, deps.heartbeatSeconds * 1000);
    lifetime = setTimeout(end, deps.maxSeconds * 1000);
    // The client went away (or the server is closing its connections): stop feeding it.
    response.on('close', end);
    deps.logger.debug({ accountId, lastEventId: request.get('last-event-id') }, 'usage stream opened');
  });
  return router;
}

function eventText(event: UsageEvent): string {
  return `id: ${event.id}\nevent: usage\ndata: ${JSON.stringify(event.usage)}\n\n`;
}

function write(response: Response, text: string): void {
  if (response.writableEnded || response.destroyed) return;
  if (response.writableLength > MAX_UNREAD_BYTES) response.destroy();
  else response.write(text);
}
