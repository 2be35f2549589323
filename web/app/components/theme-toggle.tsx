import { useFetcher, useLocation } from '@remix-run/react';

type Theme = 'light' | 'dark';

/** The theme in force, including an optimistic change that is still being saved. */
export function useTheme(saved: Theme | null): Theme | null {
  const fetcher = useFetcher({ key: 'theme' });
  const pending = fetcher.formData?.get('theme');
  return pending === 'dark' || pending === 'light' ? pending : saved;
}

export function ThemeToggle({ theme }: { theme: Theme | null }) {
  const fetcher = useFetcher({ key: 'theme' });
  const location = useLocation();
  const current = useTheme(theme);
  // Without a saved choice the page follows the system; the toggle then offers the other scheme.
  const next: Theme = current === 'dark' ? 'light' : current === 'light' ? 'dark' : 'dark';
  return (
    <fetcher.Form method="post" action="/theme">
      <input type="hidden" name="theme" value={next} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className="ghost" aria-label={`Switch to ${next} mode`} title={`Switch to ${next} mode`}>
        {next === 'dark' ? '☾' : '☀'}
      </button>
    </fetcher.Form>
  );
}
