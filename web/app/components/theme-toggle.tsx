import { useFetcher, useLocation } from '@remix-run/react';
import { useSyncExternalStore } from 'react';

type Theme = 'light' | 'dark';

/** The theme in force, including an optimistic change that is still being saved. */
export function useTheme(saved: Theme | null): Theme | null {
  const fetcher = useFetcher({ key: 'theme' });
  const pending = fetcher.formData?.get('theme');
  return pending === 'dark' || pending === 'light' ? pending : saved;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToSystemScheme(onChange: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/**
 * The scheme the system asks for. The server cannot know it, so it renders as light and the
 * browser corrects it right after hydration (useSyncExternalStore's server snapshot).
 */
export function useSystemTheme(): Theme {
  return useSyncExternalStore(
    subscribeToSystemScheme,
    () => (window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light'),
    () => 'light',
  );
}

export function ThemeToggle({ theme }: { theme: Theme | null }) {
  const fetcher = useFetcher({ key: 'theme' });
  const location = useLocation();
  const system = useSystemTheme();
  // Without a saved choice the page follows the system; the toggle then offers the other scheme.
  const current = useTheme(theme) ?? system;
  const next: Theme = current === 'dark' ? 'light' : 'dark';
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
