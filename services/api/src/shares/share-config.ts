import { z } from 'zod';

// Settings of share links, spread into the API's config schema (see platform/config.ts).
export const shareConfigShape = {
  // Password attempts on one link, from anywhere, and from one client address on any link, per window.
  SHARE_PASSWORD_LIMIT_PER_LINK: z.coerce.number().int().min(1).default(10),
  SHARE_PASSWORD_LIMIT_PER_IP: z.coerce.number().int().min(1).default(30),
  SHARE_PASSWORD_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  // Lifetime of the URL a link's download hands out. Short: a URL can be fetched more than once
  // while it lives, and only its issue is counted against the link's download limit.
  SHARE_DOWNLOAD_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
};
