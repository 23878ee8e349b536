import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from './components.tsx';
import type { PageProps } from './main.tsx';

/**
 * A page loaded on first visit (its own chunk), so feature pages do not grow the first load:
 * `{ path: '/sites', page: lazy(() => import('./pages/sites/index.tsx'), 'SitesPage') }`.
 */
export function lazy(load: () => Promise<Record<string, unknown>>, name: string): (props: PageProps) => any {
  let loaded: ((props: PageProps) => any) | undefined;
  return function LazyPage(props: PageProps) {
    const [Page, setPage] = useState(() => loaded);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (loaded) return;
      load().then((m) => {
        loaded = m[name] as (props: PageProps) => any;
        setPage(() => loaded);
      }, setError);
    }, []);
    if (error) return <ErrorBox error={error} />;
    if (!Page) return <p class="loading">Loading…</p>;
    return <Page {...props} />;
  };
}
