/**
 * The one way the UI talks to the API: same origin, the session cookie (httpOnly, never seen
 * here), the CSRF token in `X-CSRF-Token` on every change, and for cluster admins the tenant
 * they chose in `X-Tenant-Id`. Errors carry the API's stable `code`.
 */
export interface User {
  id: string;
  username: string;
  role: 'viewer' | 'operator' | 'admin';
  tenantId: string | null;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

const session = { csrf: '', tenant: localStorage.getItem('sy.tenant') ?? '' };
const listeners = new Set<() => void>();

export function setSession(csrf: string): void {
  session.csrf = csrf;
}

export function chosenTenant(): string {
  return session.tenant;
}

export function chooseTenant(tenant: string): void {
  session.tenant = tenant;
  localStorage.setItem('sy.tenant', tenant);
}

/** Called when the API answers 401: the session ended (logout elsewhere, expiry, password change). */
export function onSessionLost(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function api<T = any>(path: string, options: { method?: string; body?: unknown; query?: Record<string, unknown> } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = session.csrf;
  if (session.tenant) headers['x-tenant-id'] = session.tenant;
  let url = path;
  if (options.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  const res = await fetch(url, { method, headers, credentials: 'same-origin', body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    if (res.status === 401 && path !== '/auth/login') for (const l of listeners) l();
    throw new ApiFailure(res.status, data?.code ?? 'HTTP_' + res.status, data?.message ?? res.statusText, data?.details);
  }
  return data as T;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiFailure) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * A page's runner for what its buttons and forms do: runs the action, then clears the page's
 * error and reloads the page's data; a failure (of either) becomes the page's error instead.
 * Resolves true when both succeeded.
 */
export function actThenReload(setError: (error: string | null) => void, load: () => Promise<unknown>): (action: () => Promise<unknown>) => Promise<boolean> {
  return async (action) => {
    try {
      await action();
      setError(null);
      await load();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };
}
