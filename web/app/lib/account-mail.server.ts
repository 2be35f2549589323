// The flows that go through mail, from the dashboard's side: asking for a reset link, using it, and
// confirming an address. Each mailed link opens a page whose form posts the token back here.
import { BaketsuError, NotFoundError, type DevMail } from '@baketsu/sdk';
import { anonymousClient } from './api.server.js';

/** What a page says about a mailed link that no longer works, by the API's code. */
export function linkProblem(error: unknown): string | undefined {
  if (!(error instanceof BaketsuError)) return undefined;
  switch (error.code) {
    case 'reset_token_not_found':
    case 'verification_token_not_found':
      return 'This link is not valid. Check that it was copied whole, or ask for a new one.';
    case 'reset_token_expired':
    case 'verification_token_expired':
      return 'This link has expired. Ask for a new one.';
    case 'reset_token_used':
    case 'verification_token_used':
      return 'This link was already used. Ask for a new one if you still need it.';
    default:
      return undefined;
  }
}

/**
 * The mail the API kept instead of sending (development without SMTP), or null where the API has no
 * dev mailbox (production, or SMTP configured): the page then says so instead of failing.
 */
export async function devMailbox(to?: string): Promise<DevMail[] | null> {
  try {
    return await anonymousClient().dev.mailbox(to ? { to } : {});
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
