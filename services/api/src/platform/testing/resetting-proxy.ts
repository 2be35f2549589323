// A TCP proxy in front of PostgreSQL that can reset every connection through it (an RST, as a load
// balancer or NAT dropping its state does), so the client sees `read ECONNRESET` mid-query.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ResettingProxy {
  /** `connectionUrl` with its host and port replaced by the proxy's. */
  url: string;
  /** Resets every client connection and closes its upstream side; returns how many there were. */
  resetAll(): number;
  close(): Promise<void>;
}

export async function startResettingProxy(connectionUrl: string): Promise<ResettingProxy> {
  const target = new URL(connectionUrl);
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    client.pipe(upstream).pipe(client);
    const forget = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(connectionUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    resetAll() {
      const count = pairs.size;
      for (const { client, upstream } of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
      pairs.clear();
      return count;
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
