import { createCookie } from '@remix-run/node';

export type Theme = 'light' | 'dark';

// Not a secret and not httpOnly-sensitive: only the colour scheme, remembered for a year.
const themeCookie = createCookie('baketsu_theme', { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 31_536_000 });

export async function readTheme(request: Request): Promise<Theme | null> {
  const value: unknown = await themeCookie.parse(request.headers.get('cookie'));
  return value === 'light' || value === 'dark' ? value : null;
}

export function serializeTheme(theme: Theme): Promise<string> {
  return themeCookie.serialize(theme);
}
