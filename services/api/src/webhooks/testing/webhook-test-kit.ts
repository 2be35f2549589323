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
