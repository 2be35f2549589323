// Helpers for the webhook integration tests: register an endpoint, read a delivery log, check a
// signature as a receiver would.
import { expect } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Client } from '#src/files/testing/files-test-kit.js';
import type { ReceivedWebhook } from './receiver.js';

export async function createEndpoint(client: Client, body: Record<string, unknown>): Promise<{ id: string; secret: string; [key: string]: unknown }> {
  const created = await client.call('POST', '/v1/webhooks', body);
  if (created.status !== 201) throw new Error(`create webhook: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}

/** Deletes every endpoint of each client: a test that failed midway must not leave one sending to a shared receiver. */
export async function deleteAllEndpoints(clients: readonly Client[]): Promise<void> {
  for (const client of clients) {
    for (const webhook of (await client.call('GET', '/v1/webhooks?limit=200')).body.items) await client.call('DELETE', `/v1/webhooks/${webhook.id}`);
  }
}

export async function deliveriesOf(client: Client, endpointId: string): Promise<Array<Record<string, any>>> {
  const page = await client.call('GET', `/v1/webhooks/${endpointId}/deliveries?limit=200`);
  expect(page.status).toBe(200);
  return page.body.items;
}

/** True when `secret` verifies the delivery as the Standard Webhooks reference library does. */
export function verifies(received: ReceivedWebhook, secret: string): boolean {
  try {
    new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** The same account through an API key: access tokens expire when a test moves the clock by hours. */
export async function withApiKey(baseUrl: string, client: Client): Promise<Client> {
  const key = await client.call('POST', '/v1/api-keys', { name: 'webhook tests', scopes: ['read', 'write', 'delete'] });
  if (key.status !== 201) throw new Error(`api key: ${key.status} ${JSON.stringify(key.body)}`);
  const token: string = key.body.secret;
  return {
    token,
    async call(method, path, body) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
    },
  };
}
