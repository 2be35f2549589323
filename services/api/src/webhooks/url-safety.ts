// Which addresses a webhook may reach (SSRF safety). Checked when an endpoint is created or changed
// and again at every send, against the address actually connected to: the sender resolves the host,
// checks every address, and connects to the one it checked (webhook-http.ts), so a DNS answer that
// changes between the check and the connection (rebinding) cannot steer a delivery inside.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A URL Baketsu will not call, with the reason in words (`resolves to 10.0.0.1, a private address`). */
export class RefusedUrlError extends Error {}

export interface WebhookTarget {
  url: URL;
  /** The address to connect to: checked, never resolved again. */
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const DNS_TIMEOUT_MS = 5_000;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The range an address is refused for, or undefined for an ordinary public address. ipaddr.js names
 * the special ranges (loopback, private, linkLocal — which holds 169.254.169.254 —, uniqueLocal —
 * which holds fd00:ec2::254 —, carrierGradeNat, unspecified, multicast, broadcast, reserved, and
 * IPv6 ranges that embed IPv4 such as NAT64); only `unicast` is the public internet. An IPv4-mapped
 * IPv6 address is judged as the IPv4 address it carries.
 */
export function refusedRange(address: string): string | undefined {
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? undefined : range;
}

/** Only http(s), without credentials in the URL (they would be sent to whoever answers). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefusedUrlError('is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RefusedUrlError('must use http or https');
  if (url.username !== '' || url.password !== '') throw new RefusedUrlError('must not contain credentials');
  if (url.hostname === '') throw new RefusedUrlError('has no host');
  return url;
}

/**
 * Parses and resolves `raw`, refusing internal addresses unless `allowPrivate`. Every address the
 * name resolves to must be acceptable (an attacker controlling DNS could otherwise list a public
 * address beside an internal one); the first is the one to connect to.
 */
export async function resolveWebhookTarget(
  raw: string,
  options: { allowPrivate: boolean; resolver?: Resolver; timeoutMs?: number },
): Promise<WebhookTarget> {
  const url = parseWebhookUrl(raw);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolveName(host, options.resolver ?? systemResolver, Math.min(DNS_TIMEOUT_MS, options.timeoutMs ?? DNS_TIMEOUT_MS));
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const range = refusedRange(address);
      if (range !== undefined) throw new RefusedUrlError(`resolves to ${address}, a ${range} address`);
    }
  }
  const [first] = addresses;
  if (!first) throw new RefusedUrlError(`has a host (${host}) that does not resolve`);
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

async function resolveName(host: string, resolver: Resolver, timeoutMs: number): Promise<Array<{ address: string; family: number }>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RefusedUrlError(`has a host (${host}) that did not resolve in time`)), timeoutMs);
  });
  try {
    return await Promise.race([resolver(host), timeout]);
  } catch (error) {
    if (error instanceof RefusedUrlError) throw error;
    throw new RefusedUrlError(`has a host (${host}) that does not resolve`);
  } finally {
    clearTimeout(timer);
  }
}
