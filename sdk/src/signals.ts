// AbortSignal plumbing without AbortSignal.any/timeout, which older browsers and some edge runtimes lack.

export interface LinkedSignal {
  signal: AbortSignal;
  /** True when the timeout, not the caller, aborted. */
  timedOut(): boolean;
  abort(reason: unknown): void;
  dispose(): void;
}

/** A signal that aborts when `parent` does or after `timeoutMs` (0 or undefined: never). */
export function linkSignal(parent: AbortSignal | undefined, timeoutMs?: number): LinkedSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs && timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException('The operation timed out', 'TimeoutError'));
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

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}
