// Reads mail back from mailpit (started by scripts/services) through its HTTP API. Every test uses
// its own addresses, so searching by recipient sees only that test's mail.
import { randomUUID } from 'node:crypto';
import { requireTestEnv } from '@baketsu/platform/testing';

export interface MailpitMessage {
  id: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

interface SearchAnswer {
  messages: Array<{ ID: string }>;
}

interface MessageAnswer {
  ID: string;
  To: Array<{ Address: string }>;
  Subject: string;
  Text: string;
  HTML: string;
}

export const testSmtpUrl = () => requireTestEnv('TEST_SMTP_URL');
const mailpitUrl = () => requireTestEnv('TEST_MAILPIT_URL');

/** An address nobody else's test uses. */
export const uniqueAddress = (label = 'mail') => `${label}-${randomUUID()}@example.com`;

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${mailpitUrl()}${path}`);
  if (!response.ok) throw new Error(`mailpit ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Every message mailpit holds for `address`, oldest first. */
export async function mailTo(address: string): Promise<MailpitMessage[]> {
  const found = await getJson<SearchAnswer>(`/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}&limit=200`);
  const messages = await Promise.all(found.messages.map((message) => getJson<MessageAnswer>(`/api/v1/message/${message.ID}`)));
  return messages
    .map((message) => ({ id: message.ID, to: message.To.map((to) => to.Address), subject: message.Subject, text: message.Text, html: message.HTML }))
    .reverse();
}

/** Waits until mailpit holds at least `count` messages for `address` (polling; mail arrives asynchronously). */
export async function waitForMail(address: string, { count = 1, timeoutMs = 15_000 } = {}): Promise<MailpitMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await mailTo(address);
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`mailpit: ${messages.length} of ${count} messages to ${address} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link in a mail's text that starts with `prefix`. */
export function linkIn(message: { text: string }, prefix: string): string {
  const link = message.text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (!link) throw new Error(`no link starting with ${prefix} in: ${message.text}`);
  return link;
}
