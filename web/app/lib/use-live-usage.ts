// The account's usage as it changes, in the browser: an EventSource on the dashboard's own
// /usage/stream route (the session cookie signs it in; no token reaches the page). EventSource
// reconnects by itself and sends Last-Event-ID; when it gives up (the route answered something
// other than a stream, say while the sign-in was being renewed), it is reopened after a pause.
import type { Usage } from '@baketsu/sdk';
import { useEffect, useState } from 'react';

export const USAGE_STREAM_PATH = '/usage/stream';
const REOPEN_AFTER_MS = 5_000;

/** The latest usage the stream delivered, or null until the first arrives (use the loader's until then). */
export function useLiveUsage(): Usage | null {
  const [usage, setUsage] = useState<Usage | null>(null);
  useEffect(() => {
    let source: EventSource | undefined;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const open = () => {
      source = new EventSource(USAGE_STREAM_PATH);
      source.addEventListener('usage', (event) => {
        try {
          setUsage(JSON.parse((event as MessageEvent<string>).data) as Usage);
        } catch {
          // A malformed event changes nothing on the page.
        }
      });
      source.addEventListener('error', () => {
        if (closed || source?.readyState !== EventSource.CLOSED) return;
        reopen = setTimeout(open, REOPEN_AFTER_MS);
      });
    };
    open();
    return () => {
      closed = true;
      clearTimeout(reopen);
      source?.close();
    };
  }, []);
  return usage;
}
