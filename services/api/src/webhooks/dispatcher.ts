// The webhook dispatcher: fans new outbox events out into deliveries (fan-out.ts) and sends due
// deliveries (sender.ts), keeping up to `concurrency` attempts in flight. Any number may run, in API
// processes (composeApi starts one) or on their own (dispatcher-main.ts): they take turns on the
// cursor and never claim the same delivery.
import type { Logger } from '#src/platform/logger.js';
import { fanOutOnce } from './fan-out.js';
import { batchedSuccessRecorder } from './recorder.js';
import { claimDue, sendOne, type SenderOptions } from './sender.js';

export interface DispatcherOptions extends Omit<SenderOptions, 'batchSize'> {
  logger: Logger;
  concurrency: number;
  pollMs: number;
  /** Outbox rows fanned out per transaction. */
  fanOutBatch?: number;
}

export interface WebhookDispatcher {
  /** Fans out everything readable, then sends every due delivery and waits for the answers (tests). */
  runOnce(): Promise<{ fannedOut: number; sent: number }>;
  stop(): Promise<void>;
}

export function startWebhookDispatcher(options: DispatcherOptions, { poll = true } = {}): WebhookDispatcher {
  const fanOutBatch = options.fanOutBatch ?? 500;
  const controller = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const recorder = batchedSuccessRecorder(options);

  const fanOutAll = async () => {
    let total = 0;
    for (;;) {
      const count = await fanOutOnce(options.pool, { batchSize: fanOutBatch, now: () => options.clock.now() });
      total += count;
      if (count < fanOutBatch) return total;
    }
  };

  const send = (batchSize: number) =>
    claimDue({ ...options, batchSize }).then((claimed) =>
      claimed.map((delivery) => {
        const attempt = sendOne({ ...options, batchSize }, delivery, recorder)
          .catch((error: unknown) => options.logger.error({ err: error, eventId: delivery.event_id }, 'webhook attempt not recorded'))
          .finally(() => inFlight.delete(attempt));
        inFlight.add(attempt);
        return attempt;
      }),
    );

  // Two loops: fan-out, and sending. Fan-out wakes the sender when it made deliveries, so a new
  // event does not wait for the sender's next poll; the sender claims only when at least half its
  // slots are free, so each claim statement takes a batch rather than one row at a time.
  let wakeSender: (() => void) | undefined;
  // A pause ends early when stopping or when `also` settles; its timer is cleared either way.
  const pause = async (ms: number, also: Promise<unknown>[] = []) => {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      onAbort = resolve;
      controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    await Promise.race([stopped, ...also]).catch(() => undefined);
    clearTimeout(timer);
    if (onAbort) controller.signal.removeEventListener('abort', onAbort);
  };
  const guarded = (name: string, step: () => Promise<void>) => async () => {
    while (!controller.signal.aborted) {
      try {
        await step();
      } catch (error) {
        if (controller.signal.aborted) return;
        options.logger.error({ err: error }, `webhook ${name} failed; retrying`);
        await pause(1_000);
      }
    }
  };
  const fanOutLoop = guarded('fan-out', async () => {
    const count = await fanOutAll();
    if (count > 0) wakeSender?.();
    else await pause(options.pollMs);
  });
  const sendLoop = guarded('sending', async () => {
    const free = options.concurrency - inFlight.size;
    if (free < Math.ceil(options.concurrency / 2)) {
      await pause(options.pollMs, [...inFlight]);
      return;
    }
    if ((await send(free)).length > 0) return;
    const woken = new Promise<void>((resolve) => (wakeSender = resolve));
    await pause(options.pollMs, [woken, ...inFlight]);
    wakeSender = undefined;
  });
  const running = poll ? Promise.all([fanOutLoop(), sendLoop()]) : Promise.resolve();

  return {
    async runOnce() {
      const fannedOut = await fanOutAll();
      let sent = 0;
      for (;;) {
        const attempts = await send(options.concurrency);
        if (attempts.length === 0) return { fannedOut, sent };
        sent += attempts.length;
        await Promise.all(attempts);
      }
    },
    async stop() {
      controller.abort();
      await running;
      await Promise.allSettled([...inFlight]);
    },
  };
}
