import helmet from 'helmet';

/**
 * What every API response carries: the set OWASP's REST Security Cheat Sheet gives for APIs. The
 * API answers JSON, never documents, so the policy forbids loading or framing anything. Headers
 * that only mean something for pages a browser renders or navigates from, or for plug-ins long
 * gone, are left out; each one costs bytes and work on every response:
 * - Referrer-Policy: a JSON response links nowhere;
 * - Cross-Origin-Resource-Policy: an API response with account data needs an Authorization
 *   header, which a cross-origin no-cors load (the case CORP guards) cannot send; and the
 *   embedded store's signed `/storage` URLs are capabilities meant to be loaded from anywhere;
 * - X-Permitted-Cross-Domain-Policies (Flash and PDF plug-ins), COOP and Origin-Agent-Cluster
 *   (documents), DNS prefetch, IE download options, X-XSS-Protection.
 */
export const apiSecurityHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  referrerPolicy: false,
  xPermittedCrossDomainPolicies: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xXssProtection: false,
});

/** The self-hosted API reference is an HTML page: it gets helmet's full document policy. */
export const documentSecurityHeaders = helmet();
