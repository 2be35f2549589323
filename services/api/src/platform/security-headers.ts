import helmet from 'helmet';

/**
 * What every API response carries. The API answers JSON, never documents, so the policy forbids
 * loading or framing anything (as OWASP's REST guidance suggests), and the headers that only mean
 * something for HTML pages or long-gone browsers are left out: each one is bytes on every response.
 */
export const apiSecurityHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xXssProtection: false,
});

/** The self-hosted API reference is an HTML page: it gets helmet's full document policy. */
export const documentSecurityHeaders = helmet();
