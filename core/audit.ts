/**
 * What the audit log records besides commands (issue 15): every change to users, API keys and id
 * tokens, by whom (a user or an API key), when, the route and the body without its secrets.
 * Pure: the API's onSend hook (api/server.ts) decides with these.
 */

/** Routes (fastify patterns) whose changes are audited. Reads never are. */
export const AUDITED_CHANGE_ROUTES: ReadonlySet<string> = new Set([
  '/admin/users', '/admin/users/:userId',
  '/admin/api-keys', '/admin/api-keys/:keyId',
  '/tokens', '/tokens/:idToken',
  '/auth/password',
]);

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isAuditedChange(method: string, routePattern: string | undefined): boolean {
  return CHANGES.has(method) && routePattern !== undefined && AUDITED_CHANGE_ROUTES.has(routePattern);
}

const SECRET = /password|secret|^key$|token$/i;

/** A copy of a request body with every secret-looking field (passwords, keys) replaced; id tokens stay (they are what changed). */
export function redactSecrets(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(redactSecrets);
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = SECRET.test(k) && k !== 'idToken' ? '[redacted]' : redactSecrets(v);
  return out;
}

/** The audit `result` of a change: `ok`, or the API error code it was refused with. */
export function changeResult(httpStatus: number, payload: unknown): string {
  if (httpStatus < 400) return 'ok';
  if (typeof payload === 'string') {
    try {
      const code = (JSON.parse(payload) as { code?: unknown }).code;
      if (typeof code === 'string') return code;
    } catch {
      // not JSON: the status says enough
    }
  }
  return `HTTP_${httpStatus}`;
}
