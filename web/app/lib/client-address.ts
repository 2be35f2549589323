// The visitor's network address, for limits the API keeps per client (share link passwords). The
// dashboard's HTTP server sets this header from the socket on every request, replacing any value
// the visitor sent, so routes can trust it.
export const CLIENT_ADDRESS_HEADER = 'x-baketsu-client-address';

export function clientAddress(request: Request): string | undefined {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? undefined;
}
