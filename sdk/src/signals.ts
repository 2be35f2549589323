// AbortSignal plumbing without AbortSignal.any/timeout, which older browsers and some edge runtimes lack.
import { TimeoutError } from './errors.js';

export interface LinkedSignal {
  signal: AbortSignal;
  /** True when the timeout, not the caller, aborted. */
  timedOut(): boolean;
  abort(reason: unknown): void;
  dispose(): void;
}

/**
 * A signal that aborts when `parent` does (with its reason) or after `timeoutMs` (0 or undefined:
 * never) with a {@link TimeoutError} `code: 'timeout'`.
 */
export function linkSignal(parent: AbortSignal | undefined, timeoutMs?: number, what = 'The operation'): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs && timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new TimeoutError({ message: `${what} timed out after ${timeoutMs} ms`, code: 'timeout' }));
        }, timeoutMs)
      : undefined;
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    abort: (reason) => controller.abort(reason),
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}
