import { PassThrough } from 'node:stream';
import type { EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(request: Request, status: number, headers: Headers, context: EntryContext) {
  const bot = isbot(request.headers.get('user-agent') ?? '');
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={context} url={request.url} abortDelay={ABORT_DELAY} />, {
      [bot ? 'onAllReady' : 'onShellReady']() {
        const body = new PassThrough();
        headers.set('Content-Type', 'text/html; charset=utf-8');
        // Pages show account data: never cached by shared caches.
        if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'private, no-store');
        resolve(new Response(createReadableStreamFromReadable(body), { headers, status: failed ? 500 : status }));
        pipe(body);
      },
      onShellError: reject,
      onError(error: unknown) {
        failed = true;
        if (!request.signal.aborted) console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY + 1000);
  });
}
