import { z } from 'zod';

// Settings of the live usage stream, spread into the API's config schema (see platform/config.ts).
export const usageStreamConfigShape = {
  // Open streams one account may hold at once (each a connection and a little memory in this process).
  USAGE_STREAM_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).max(100_000).default(20),
  // A comment line this often keeps proxies and load balancers from closing an idle stream.
  USAGE_STREAM_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  // The server ends a stream after this long; the client reconnects and its credentials are checked again.
  USAGE_STREAM_MAX_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
};
