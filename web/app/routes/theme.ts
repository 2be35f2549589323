import { data, redirect, type ActionFunctionArgs } from '@remix-run/node';
import { safeRedirect } from '#app/lib/auth.server.js';
import { serializeTheme } from '#app/lib/theme.server.js';

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const theme = form.get('theme') === 'dark' ? 'dark' : 'light';
  const headers = { 'Set-Cookie': await serializeTheme(theme) };
  // Without JavaScript the form posts here directly; send the person back where they were.
  const back = form.get('redirectTo');
  if (typeof back === 'string') return redirect(safeRedirect(back, '/'), { headers });
  return data({ theme }, { headers });
}
