import type { UsageUpdate } from '@baketsu/sdk';

const HEARTBEAT_MS = 15_000;
/** EventSource's wait before reconnecting once this stream ends. */
const RETRY_MS = 2_000;

/**
 * The SDK's usage updates re-encoded as Server-Sent Events, with heartbeats of our own (the SDK
 * keeps the API's to itself). The watch ends when the page goes (the request's signal aborts it)
 * or with an error the SDK does not retry — an expired token, typically: the stream then ends,
 * and the browser's reconnect signs in again through `requireUser`, refreshing the token.
 */
export function usageEventStream(updates: AsyncGenerator<UsageUpdate, void, undefined>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // Already closed: the page went away between two events.
        }
      };
      send(`retry: ${RETRY_MS}\n\n`);
      heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
      try {
        for await (const update of updates) send(`id: ${update.id}\nevent: usage\ndata: ${JSON.stringify(update.usage)}\n\n`);
      } catch {
        // Ended by a refusal (or a sign-in redirect thrown by the client's guard): reconnecting decides.
      } finally {
        clearInterval(heartbeat);
        try {
          controller.close();
        } catch {
          // closed already
        }
      }
    },
    async cancel() {
      clearInterval(heartbeat);
      await updates.return(undefined);
    },
  });
}
