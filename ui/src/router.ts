import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing (`#/stations/CS-1`): every page is `/` to the server, so no fallback route can
 * ever shadow an API path. Each page is one folder under pages/ and one row in ROUTES (main.tsx).
 */
export function currentPath(): string {
  const h = location.hash.replace(/^#/, '');
  return h.startsWith('/') ? h.split('?', 1)[0]! : '/';
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return path;
}

/** Matches `/stations/:id` against a path; the params, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = decodeURIComponent(have[i]!);
    else if (want[i] !== have[i]) return undefined;
  }
  return params;
}

export function go(path: string): void {
  location.hash = `#${path}`;
}

export function href(path: string): string {
  return `#${path}`;
}
