import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { requireEnv } from './env.js';

const host = requireEnv('TEST_STRIPE_HOST');
const port = Number(requireEnv('TEST_STRIPE_PORT'));
const protocol = requireEnv('TEST_STRIPE_PROTOCOL');

describe('Stripe (stripe-mock)', () => {
  const stripe = new Stripe('sk_test_123', {
    host,
    port,
    protocol: protocol as 'http' | 'https',
    maxNetworkRetries: 0,
  });

  it('creates a customer answered by stripe-mock', async () => {
    const customer = await stripe.customers.create({ email: 'infra-test@baketsu.test' });
    expect(customer.object).toBe('customer');
    expect(customer.id).toMatch(/^cus_/);
  });

  it('rejects an invalid request like the real API', async () => {
    // stripe-mock validates parameters against Stripe's OpenAPI spec.
    await expect(
      stripe.customers.create({ email: 'x@baketsu.test', no_such_param: 1 } as Stripe.CustomerCreateParams),
    ).rejects.toMatchObject({ type: 'StripeInvalidRequestError' });
  });
});
