import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { errors } from '#src/platform/errors.js';
import { billingService, type BillingDeps } from './billing-service.js';
import { applyWebhookEvent } from './webhook-events.js';
import { verifyStripeWebhook } from './webhook-signature.js';

export interface BillingRouteDeps extends BillingDeps {
  resolveBearer: BearerResolver;
}

export function billingRouter(deps: BillingRouteDeps): Router {
  const router = express.Router();
  const billing = billingService(deps);
  // Starting a payment relationship is for the signed-in person, not for an app holding an API key.
  const signedIn = [
    requirePrincipal(deps.resolveBearer),
    (request: express.Request, _response: express.Response, next: express.NextFunction) => {
      if (principalOf(request).via !== 'access_token') throw errors.billingSessionRequired();
      next();
    },
  ];

  router.get('/v1/billing', requirePrincipal(deps.resolveBearer, 'read'), async (request, response) => {
    response.json(await billing.overview(principalOf(request).account.id));
  });
  router.post('/v1/billing/checkout', ...signedIn, async (request, response) => {
    response.status(201).json(await billing.checkout(principalOf(request).account.id));
  });
  router.post('/v1/billing/portal', ...signedIn, async (request, response) => {
    response.status(201).json(await billing.portal(principalOf(request).account.id));
  });
  return router;
}

export const BILLING_WEBHOOK_PATH = '/v1/billing/webhook';

/**
 * POST /v1/billing/webhook, mounted at `BILLING_WEBHOOK_PATH` before the JSON parser and the OpenAPI
 * validator: the signature covers the exact bytes Stripe sent, so the body must reach us unparsed.
 */
export function billingWebhookRouter(deps: Pick<BillingDeps, 'pool' | 'clock' | 'config' | 'logger'>): Router {
  const router = express.Router();
  router.post('/', express.raw({ type: () => true, limit: deps.config.BODY_LIMIT_BYTES }), async (request, response) => {
    const secret = deps.config.STRIPE_WEBHOOK_SECRET;
    if (!secret) throw errors.billingNotConfigured();
    const header = request.get('stripe-signature');
    if (!header) throw errors.webhookSignatureMissing();
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const event = verifyStripeWebhook(raw, header, secret, deps.config.STRIPE_WEBHOOK_TOLERANCE_SECONDS, deps.clock.now());
    const outcome = await applyWebhookEvent(deps.pool, event, deps.logger);
    response.json({ received: true, outcome });
  });
  return router;
}
