// The webhooks' part of the problem catalogue (platform/errors.ts holds the rest), kept in the
// feature as the share links keep theirs.
import { Problem } from '#src/platform/problem.js';

export const webhookErrors = {
  webhookNotFound: (id: string) =>
    new Problem({ status: 404, code: 'webhook_not_found', title: 'No such webhook endpoint', detail: `There is no webhook endpoint ${id}.` }),
  webhookEventNotFound: (id: string) =>
    new Problem({ status: 404, code: 'webhook_event_not_found', title: 'No such event', detail: `This account has no event ${id}.` }),
  /** The URL is not one Baketsu will call: not http(s), or it resolves to an address it refuses. */
  webhookUrlNotAllowed: (message: string, path = '/body/url') =>
    new Problem({
      status: 422,
      code: 'webhook_url_not_allowed',
      title: 'This URL cannot receive webhooks',
      detail: `The URL ${message}.`,
      extensions: { errors: [{ path, message }] },
    }),
  tooManyWebhooks: (max: number) =>
    new Problem({
      status: 422,
      code: 'too_many_webhooks',
      title: 'Too many webhook endpoints',
      detail: `An account can have at most ${max} webhook endpoints. Delete one first.`,
    }),
} as const;
