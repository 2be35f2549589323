// GET/PATCH /v1/me/limits: the account sees its quota and cap, and may lower its own cap.
import express, { type Router } from 'express';
import { principalOf, requirePrincipal, type BearerResolver } from '#src/auth/authenticate.js';
import { validatedBody } from '#src/platform/contract-validator.js';
import { errors } from '#src/platform/errors.js';
import type { FilesDeps } from './files-deps.js';
import { effectiveLimits, readAccountLimits, setOwnSpendCap } from './limits.js';
import { formatMicros, monthlyCostMicros, parseMicros, pricePerGibMonthMicros } from '@baketsu/billing-core';

export function limitsRouter(deps: FilesDeps & { resolveBearer: BearerResolver }): Router {
  const router = express.Router();
  const { config } = deps;

  async function limitsOf(accountId: string) {
    const row = await readAccountLimits(deps.pool, accountId);
    const limits = effectiveLimits(row, config);
    const used = row.used_bytes;
    return {
      storage_quota_bytes: limits.quotaBytes,
      used_bytes: used,
      monthly_spend_cap: limits.capMicros === null ? null : formatMicros(limits.capMicros),
      max_monthly_spend_cap: limits.ceilingMicros === null ? null : formatMicros(limits.ceilingMicros),
      estimated_monthly_cost: formatMicros(monthlyCostMicros(BigInt(used), pricePerGibMonthMicros(config))),
      currency: config.CURRENCY,
    };
  }

  router.get('/v1/me/limits', requirePrincipal(deps.resolveBearer, 'read'), async (request, response) => {
    response.json(await limitsOf(principalOf(request).account.id));
  });

  router.patch('/v1/me/limits', requirePrincipal(deps.resolveBearer, 'write'), async (request, response) => {
    const principal = principalOf(request);
    const accountId = principal.account.id;
    const { monthly_spend_cap: cap } = validatedBody('updateLimits', request);
    const row = await readAccountLimits(deps.pool, accountId);
    const limits = effectiveLimits(row, config);
    const wanted = cap === null ? null : parseMicros(cap);
    // The cap guards the owner against runaway cost: an API key (which may leak with the app that
    // holds it) can tighten the owner's own cap, but only a signed-in person can loosen or remove
    // it. Judged against the cap the owner set, not the one in force: a lower operator ceiling
    // hides the owner's cap only until the ceiling is raised.
    const ownMicros = row.spend_cap_micros === null ? null : BigInt(row.spend_cap_micros);
    const loosens = ownMicros !== null && (wanted === null || wanted > ownMicros);
    if (loosens && principal.via !== 'access_token') throw errors.limitsSessionRequired();
    // Lowering is self-service; raising above the operator's ceiling is not.
    if (wanted !== null && limits.ceilingMicros !== null && wanted > limits.ceilingMicros) {
      throw errors.spendCapAboveLimit(formatMicros(limits.ceilingMicros), config.CURRENCY);
    }
    await setOwnSpendCap(deps.pool, accountId, wanted);
    response.json(await limitsOf(accountId));
  });

  return router;
}
