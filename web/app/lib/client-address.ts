// The visitor's network address, for limits the API keeps per client (share link passwords). The
// dashboard's HTTP server sets this header from the socket on every request, replacing any value
// the visitor sent, so routes can trust it.
export const CLIENT_ADDRESS_HEADER = 'x-baketsu-client-address';

export function clientAddress(request: Request): string | undefined {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? undefined;
}

/**
 * Whether the visitor is on this machine. The API serves the dev mailbox only to loopback clients,
 * but the dashboard asks it from this machine on every visitor's behalf: a dashboard reachable from
 * elsewhere (WEB_HOST=0.0.0.0) would otherwise show anyone on the network every reset link.
 */
export function fromLoopback(request: Request): boolean {
  const address = clientAddress(request);
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
