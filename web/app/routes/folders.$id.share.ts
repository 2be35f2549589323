import { data, type ActionFunctionArgs } from '@remix-run/node';
import { requireUser } from '#app/lib/auth.server.js';
import { formErrorsFrom } from '#app/lib/problems.server.js';
import { parseShareForm, type ShareFormResult } from '#app/lib/shares.server.js';

// The Share dialog of a folder posts here. The answer holds the link's token, which exists nowhere else: never cached.
export async function action({ request, params }: ActionFunctionArgs) {
  const { api, headers } = await requireUser(request);
  headers.set('Cache-Control', 'no-store');
  const parsed = parseShareForm(await request.formData());
  if ('fields' in parsed) return data<ShareFormResult>({ ok: false, fields: parsed.fields }, { status: 400, headers });
  try {
    const share = await api.folders.share(params.id ?? '', parsed.params);
    return data<ShareFormResult>({ ok: true, url: share.url, id: share.id }, { headers });
  } catch (error) {
    const errors = formErrorsFrom(error, { expires_at: 'expires_in_hours' });
    return data<ShareFormResult>({ ok: false, fields: errors.fields, ...(errors.form ? { form: errors.form } : {}) }, { status: 400, headers });
  }
}

export function loader() {
  return new Response('Not found', { status: 404 });
}
