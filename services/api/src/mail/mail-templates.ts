// Every mail the API sends, one typed template each. A template turns its data into the subject
// and the plain-text and HTML bodies; `enqueueMail` only accepts a template name with its own data
// shape, so a caller cannot send a reset mail without its link. Add a template here (and nowhere
// else) to send a new kind of mail.

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailTemplates {
  /** A link to choose a new password, valid `expiresInMinutes`. */
  password_reset: { link: string; expiresInMinutes: number };
  /** A link that confirms the address of a new account. */
  email_verification: { link: string; expiresInHours: number };
  /** Sent to the new address of an email change; the change takes effect when the link is used. */
  email_change: { link: string; newEmail: string; expiresInHours: number };
  /** Sent to the old address once an email change took effect, so a takeover does not go unnoticed. */
  email_changed_notice: { newEmail: string };
  /** The month's projected cost reached one of the account's usage alert thresholds. */
  usage_alert: { month: string; threshold: string; projectedCost: string; link: string };
  /** Sent to the address of an account once its deletion was requested (it outlives the account). */
  account_deleted: { deletedAt: string };
  /** A webhook endpoint failed for days and was disabled; `failingSince` is an ISO instant, `link` its dashboard page. */
  webhook_endpoint_disabled: { url: string; failingSince: string; lastError: string; link: string };
}

export type MailTemplateName = keyof MailTemplates;

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);

/** One paragraph list and an optional button, as plain text and as minimal HTML. */
function layout(subject: string, paragraphs: string[], action?: { label: string; link: string }): RenderedMail {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.link}`] : []), '— Baketsu'].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(action ? [`<p><a href="${escapeHtml(action.link)}">${escapeHtml(action.label)}</a></p>`, `<p style="font-size:small">${escapeHtml(action.link)}</p>`] : []),
    '<p>— Baketsu</p></body></html>',
  ].join('');
  return { subject, text, html };
}

const templates: { [Name in MailTemplateName]: (data: MailTemplates[Name]) => RenderedMail } = {
  password_reset: ({ link, expiresInMinutes }) =>
    layout(
      'Reset your Baketsu password',
      [
        'Someone (hopefully you) asked to reset the password of your Baketsu account.',
        `The link works once and for ${expiresInMinutes} minutes. Using it signs out every other session.`,
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ],
      { label: 'Choose a new password', link },
    ),
  email_verification: ({ link, expiresInHours }) =>
    layout(
      'Confirm your email address for Baketsu',
      ['Welcome to Baketsu. Confirm that this address is yours to lift the storage limit of unverified accounts.', `The link works once and for ${expiresInHours} hours.`],
      { label: 'Confirm my address', link },
    ),
  email_change: ({ link, newEmail, expiresInHours }) =>
    layout(
      'Confirm your new email address for Baketsu',
      [`Your Baketsu account asked to change its address to ${newEmail}.`, `The change takes effect when you open this link (it works once and for ${expiresInHours} hours).`],
      { label: 'Confirm the new address', link },
    ),
  email_changed_notice: ({ newEmail }) =>
    layout('Your Baketsu email address was changed', [
      `The address of your Baketsu account is now ${newEmail}; mail no longer comes here.`,
      'If you did not make this change, reset your password from the sign-in page of the new address or contact support.',
    ]),
  usage_alert: ({ month, threshold, projectedCost, link }) =>
    layout(
      `Baketsu: your estimated cost for ${month} reached ${threshold}`,
      [
        `If what you keep now stays until the end of the month, ${month} will cost about ${projectedCost}.`,
        `That reaches your usage alert threshold of ${threshold}. You get this mail once a month for each threshold.`,
      ],
      { label: 'See your usage', link },
    ),
  account_deleted: ({ deletedAt }) =>
    layout('Your Baketsu account was deleted', [
      `Your Baketsu account was deleted at ${deletedAt}. Every sign-in, API key and share link has ended, its files are being deleted, and usage was billed up to that moment.`,
      'This address can be used for a new account. If you did not delete your account, contact support.',
    ]),
  webhook_endpoint_disabled: ({ url, failingSince, lastError, link }) =>
    layout(
      'Baketsu: a webhook endpoint was disabled',
      [
        `Every delivery to your webhook endpoint ${url} has failed since ${failingSince}, so it was disabled. The last attempt: ${lastError}.`,
        'Events for it are kept, not sent. Once the receiver answers again, enable the endpoint and they go out.',
      ],
      { label: 'See the endpoint', link },
    ),
};

export function renderMail<Name extends MailTemplateName>(template: Name, data: MailTemplates[Name]): RenderedMail {
  return templates[template](data);
}
