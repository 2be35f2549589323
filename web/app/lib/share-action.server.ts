// The action behind both Share dialogs (a file's and a folder's): they differ only in what they share.
import { data } from '@remix-run/node';
import type { Baketsu, ShareCreateParams, ShareWithToken } from '@baketsu/sdk';
import { requireUser } from './auth.server.js';
import { formErrorsFrom } from './problems.server.js';
import { parseShareForm, type ShareFormResult } from './shares.server.js';

/** The answer holds the link's token, which exists nowhere else: never cached. */
export async function shareAction(request: Request, create: (api: Baketsu, params: ShareCreateParams) => Promise<ShareWithToken>) {
  const { api, headers } = await requireUser(request);
  headers.set('Cache-Control', 'no-store');
  const parsed = parseShareForm(await request.formData());
  if ('fields' in parsed) return data<ShareFormResult>({ ok: false, fields: parsed.fields }, { status: 400, headers });
  try {
    const share = await create(api, parsed.params);
    return data<ShareFormResult>({ ok: true, url: share.url, id: share.id }, { headers });
  } catch (error) {
    const errors = formErrorsFrom(error, { expires_at: 'expires_in_hours' });
    return data<ShareFormResult>({ ok: false, fields: errors.fields, ...(errors.form ? { form: errors.form } : {}) }, { status: 400, headers });
  }
}
