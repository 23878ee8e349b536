import type { FastifyInstance } from 'fastify';

/**
 * Fastify answers 404 for a known path with the wrong method (fastify/fastify#862). We answer 405
 * with `Allow`, so a client learns it used the wrong method, not the wrong URL: every route is
 * recorded as it is added, and the not-found handler asks which methods the path has.
 */
const routesByApp = new WeakMap<FastifyInstance, Array<{ method: string; path: RegExp }>>();

function pathPattern(url: string): RegExp {
  const segments = url.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s === '*' ? '.*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${segments.join('/')}/?$`);
}

/** Call before any route is registered. */
export function recordRoutes(app: FastifyInstance): void {
  const routes: Array<{ method: string; path: RegExp }> = [];
  routesByApp.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, path: pathPattern(route.url) });
  });
}

/** The methods a path does have when `method` is not one of them; empty when the path is unknown. */
export function allowedMethods(app: FastifyInstance, method: string, url: string): string[] {
  const path = url.split('?', 1)[0]!;
  const methods = new Set((routesByApp.get(app) ?? []).filter((r) => r.path.test(path)).map((r) => r.method));
  return methods.has(method) ? [] : [...methods].sort();
}
