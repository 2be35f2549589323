// The accounts feature's part of the problem catalogue (platform/errors.ts holds the rest). Kept in
// the feature while other features grow the main catalogue in parallel.
import { Problem } from '#src/platform/problem.js';

export const accountErrors = {
  deletionSessionRequired: () =>
    new Problem({
      status: 403,
      code: 'session_required',
      title: 'Sign in to delete the account',
      detail: 'An account is deleted with an access token from POST /v1/auth/login, not with an API key.',
    }),
  spendCapRequired: () =>
    new Problem({
      status: 409,
      code: 'spend_cap_required',
      title: 'A percentage threshold needs a monthly spend cap',
      detail: 'Set a monthly spend cap first (PATCH /v1/me/limits), or give the threshold as an amount.',
    }),
  invalidAlertThreshold: (path: string, detail: string) =>
    new Problem({
      status: 422,
      code: 'invalid_alert_threshold',
      title: 'The alert threshold cannot be used',
      detail,
      extensions: { errors: [{ path, message: detail }] },
    }),
};
