// Sends recorded meter events: each customer's events one at a time and in hour order, several
// customers in parallel. The attempt is written before the request, the outcome after it.
import { BillingProviderRejected, BillingProviderUnavailable, type MeterEventReport } from '@baketsu/billing';
import { meterEventIdentifier } from '@baketsu/billing-core';
import type { DatabasePool } from 'slonik';
import type { Logger } from 'pino';
import { markAttempts, markOutcome, markSent, pendingReports, type PendingReport } from './report-store.js';

export interface MeterEventSink {
  send(report: MeterEventReport): Promise<void>;
}

export interface SendOptions {
  concurrency: number;
  /** Tries per event within one pass (429, 5xx, network); what is left stays pending for the next pass. */
  maxTries?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  oldestSendableHourMs: number;
  logger: Logger;
}

export interface SendResult {
  sent: number;
  failed: number;
  expired: number;
  deferred: number;
  requests: number;
}

/** Customers a worker takes at once: their first attempts are recorded in one statement. */
const CHUNK = 50;

export async function sendPending(pool: DatabasePool, sink: MeterEventSink, options: SendOptions): Promise<SendResult> {
  const result: SendResult = { sent: 0, failed: 0, expired: 0, deferred: 0, requests: 0 };
  const queues = new Map<string, PendingReport[]>();
  for (const report of await pendingReports(pool)) {
    const queue = queues.get(report.stripe_customer_id) ?? [];
    queue.push(report);
    queues.set(report.stripe_customer_id, queue);
  }
  const customers = [...queues.values()];
  const sent = sentRecorder(pool);
  let next = 0;
  let crashed = false;
  const worker = async () => {
    while (next < customers.length && !crashed) {
      const chunk = customers.slice(next, next + CHUNK);
      next += chunk.length;
      const firsts = chunk.map((queue) => queue[0]!).filter((report) => report.hour_start_ms >= options.oldestSendableHourMs);
      await markAttempts(pool, firsts.map((report) => report.identifier));
      const premarked = new Set(firsts.map((report) => report.identifier));
      for (const queue of chunk) {
        for (const report of queue) {
          if (crashed) return;
          const outcome = await sendOne(pool, sink, report, options, result, premarked.has(report.identifier), sent);
          // Later hours of this customer wait, so Stripe sees each customer's events in order.
          if (outcome === 'deferred') {
            result.deferred += queue.length - queue.indexOf(report);
            break;
          }
        }
      }
    }
  };
  // Every worker has stopped before the pass ends (and its lock is released), even when one failed.
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.min(options.concurrency, customers.length) }, () =>
      worker().catch((error: unknown) => {
        crashed = true;
        throw error;
      }),
    ),
  );
  await sent.flush();
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return result;
}

/**
 * "Sent" is written in batches. Losing a batch (a crash) only leaves those rows pending, and a
 * pending row is resent with its same identifier, which Stripe de-duplicates.
 */
function sentRecorder(pool: DatabasePool) {
  let buffer: string[] = [];
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    const identifiers = buffer;
    buffer = [];
    writing = writing.then(() => (identifiers.length > 0 ? markSent(pool, identifiers) : undefined));
    return writing;
  };
  return {
    add(identifier: string): Promise<void> {
      buffer.push(identifier);
      return buffer.length >= 200 ? flush() : Promise.resolve();
    },
    flush,
  };
}

async function sendOne(
  pool: DatabasePool,
  sink: MeterEventSink,
  report: PendingReport,
  options: SendOptions,
  result: SendResult,
  firstAttemptMarked: boolean,
  sent: ReturnType<typeof sentRecorder>,
): Promise<'sent' | 'failed' | 'expired' | 'deferred'> {
  if (report.hour_start_ms < options.oldestSendableHourMs) {
    await markOutcome(pool, report.identifier, 'expired', 'older than Stripe accepts (35 days)');
    options.logger.warn({ accountId: report.account_id, identifier: report.identifier, value: report.value }, 'meter event expired before it could be sent');
    result.expired += 1;
    return 'expired';
  }
  if (report.identifier !== meterEventIdentifier(report.account_id, report.hour_start_ms)) throw new Error(`identifier ${report.identifier} is not deterministic`);
  const maxTries = options.maxTries ?? 5;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1 || !firstAttemptMarked) await markAttempts(pool, [report.identifier]);
    result.requests += 1;
    try {
      await sink.send({
        eventName: report.meter_event_name,
        customerId: report.stripe_customer_id,
        value: report.value,
        identifier: report.identifier,
        timestampMs: report.hour_start_ms,
      });
    } catch (error) {
      // 401/403 refuse our credentials, not this event: failing it would fail every customer's
      // events in turn, and nothing resends a failed row. The pass stops with the rows still
      // pending, and the next pass (with the key put right) sends them.
      if (error instanceof BillingProviderRejected && (error.status === 401 || error.status === 403)) throw error;
      if (error instanceof BillingProviderRejected) {
        await markOutcome(pool, report.identifier, 'failed', error.message.slice(0, 1000));
        options.logger.error({ err: error, identifier: report.identifier }, 'Stripe refused a meter event');
        result.failed += 1;
        return 'failed';
      }
      if (!(error instanceof BillingProviderUnavailable)) throw error;
      if (attempt >= maxTries) {
        await markOutcome(pool, report.identifier, 'pending', error.message.slice(0, 1000));
        return 'deferred';
      }
      // Exponential backoff with full jitter, or what the server asked for.
      const backoff = (options.baseDelayMs ?? 500) * 2 ** (attempt - 1);
      await sleep(error.retryAfterMs ?? Math.min(30_000, Math.random() * backoff + backoff / 2));
      continue;
    }
    await sent.add(report.identifier);
    result.sent += 1;
    return 'sent';
  }
}
