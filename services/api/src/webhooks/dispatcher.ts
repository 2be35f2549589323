// The webhook dispatcher: fans new outbox events out into deliveries (fan-out.ts) and sends due
// deliveries (sender.ts), keeping up to `concurrency` attempts in flight. Any number may run, in API
// processes (composeApi starts one) or on their own (dispatcher-main.ts): they take turns on the
// cursor and never claim the same delivery.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '#src/platform/logger.js';
import { fanOutOnce } from './fan-out.js';
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
        const attempt = sendOne({ ...options, batchSize }, delivery)
          .catch((error: unknown) => options.logger.error({ err: error, eventId: delivery.event_id }, 'webhook attempt not recorded'))
          .finally(() => inFlight.delete(attempt));
        inFlight.add(attempt);
        return attempt;
      }),
    );

  const loop = async () => {
    while (!controller.signal.aborted) {
      try {
        const fannedOut = await fanOutAll();
        const free = options.concurrency - inFlight.size;
        const started = free > 0 ? (await send(free)).length : 0;
        if (fannedOut === 0 && started === 0) {
          // Idle, or every slot busy: wait for the poll interval or a slot, whichever comes first.
          await Promise.race([sleep(options.pollMs, undefined, { signal: controller.signal }), ...inFlight]).catch(() => undefined);
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        options.logger.error({ err: error }, 'webhook dispatch failed; retrying');
        await sleep(1_000, undefined, { signal: controller.signal }).catch(() => undefined);
      }
    }
  };
  const running = poll ? loop() : Promise.resolve();

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
