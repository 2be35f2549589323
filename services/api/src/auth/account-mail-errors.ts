// The problems of the flows that go through mail (password reset, address verification, profile),
// kept beside them; platform/problem-codes.test.ts holds them to the contract with the main catalogue.
import { Problem } from '#src/platform/problem.js';

export const accountMailErrors = {
  resetTokenNotFound: () =>
    new Problem({ status: 404, code: 'reset_token_not_found', title: 'No such reset link', detail: 'Ask for a new password reset link.' }),
  resetTokenExpired: () =>
    new Problem({ status: 410, code: 'reset_token_expired', title: 'The reset link has expired', detail: 'Reset links work for one hour; ask for a new one.' }),
  resetTokenUsed: () =>
    new Problem({ status: 410, code: 'reset_token_used', title: 'The reset link was already used', detail: 'Each reset link works once; ask for a new one.' }),
  verificationTokenNotFound: () =>
    new Problem({ status: 404, code: 'verification_token_not_found', title: 'No such verification link', detail: 'Ask for a new link from the dashboard.' }),
  verificationTokenExpired: () =>
    new Problem({ status: 410, code: 'verification_token_expired', title: 'The verification link has expired', detail: 'Verification links work for 24 hours; ask for a new one.' }),
  verificationTokenUsed: () =>
    new Problem({ status: 410, code: 'verification_token_used', title: 'The verification link was already used', detail: 'Each verification link works once.' }),
  /** An unverified account's upload would take it past the unverified storage limit. */
  emailVerificationRequired: (limitBytes: number, usedBytes: number, requestedBytes: number) =>
    new Problem({
      status: 403,
      code: 'email_verification_required',
      title: 'Confirm your email address to store more',
      detail: `Until its address is confirmed an account stores at most ${limitBytes} bytes; ${usedBytes} are in use or being uploaded and this upload adds ${requestedBytes}. Use the link mailed to you (or ask for a new one).`,
      extensions: { limit_bytes: limitBytes, used_bytes: usedBytes, requested_bytes: requestedBytes },
    }),
  // The same code as every other action an API key may not take (password, deletion, billing).
  profileSessionRequired: () =>
    new Problem({
      status: 403,
      code: 'session_required',
      title: 'Sign in to change the profile',
      detail: 'The profile and the email address are changed by a signed-in person (an access token), not with an API key.',
    }),
};
