// The dev mailbox: mail kept in the database when no SMTP server is configured, for `npm start` and
// tests. Registered only when devMailboxEnabled(config) (never in production), and it answers only
// clients on this machine: it needs no sign-in, and it shows working reset links.
import { isIP } from 'node:net';
import express, { type Router } from 'express';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { ResponseBody } from '#src/platform/contract-types.js';
import { validatedQuery } from '#src/platform/contract-validator.js';
import { errors } from '#src/platform/errors.js';

const keptMail = z.object({
  id: z.string(),
  recipient: z.string(),
  template: z.string(),
  subject: z.string(),
  text_body: z.string().nullable(),
  html_body: z.string().nullable(),
  created_at: z.number(),
});

const DEV_MAILBOX_SIZE = 50;

/** The socket's own peer address, never X-Forwarded-For: a proxy header cannot make a client local. */
function fromLoopback(remoteAddress: string | undefined): boolean {
  if (!remoteAddress || isIP(remoteAddress) === 0) return false;
  return remoteAddress === '::1' || remoteAddress.startsWith('127.') || remoteAddress.startsWith('::ffff:127.');
}

export function devMailboxRouter(deps: { pool: DatabasePool }): Router {
  const router = express.Router();
  router.get('/v1/dev/mailbox', async (request, response) => {
    if (!fromLoopback(request.socket.remoteAddress)) throw errors.routeNotFound(request.method, request.path);
    const { to } = validatedQuery('listDevMailbox', request);
    const rows = await deps.pool.any(sql.type(keptMail)`
      select id, recipient, template, subject, text_body, html_body, created_at
      from mail_outbox
      where ${to === undefined ? sql.fragment`true` : sql.fragment`lower(recipient) = lower(${to})`}
      order by created_at desc, id desc
      limit ${DEV_MAILBOX_SIZE}`);
    const body: ResponseBody<'listDevMailbox'> = {
      items: rows.map((row) => ({
        id: row.id,
        to: row.recipient,
        template: row.template,
        subject: row.subject,
        text: row.text_body ?? '',
        html: row.html_body ?? '',
        created_at: new Date(row.created_at).toISOString(),
      })),
    };
    response.set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
