import type { UserRole } from './ports/store/user-store.js';

/**
 * Who may do what through the API (pure). Principals: an API key (admin keys act on every tenant,
 * tenant keys are operators of one tenant) or a logged-in user (viewer, operator, admin of one
 * tenant; or a cluster admin, `tenantId` null). One decision, made once per request in the auth
 * hook (api/auth.ts), so no route can forget it.
 */
export interface Principal {
  kind: 'key' | 'user';
  role: UserRole;
  /** null: acts on any tenant (admin API key, cluster admin user). */
  tenantId: string | null;
}

/** Routes a user may call whatever its role (reading itself, logging out, changing its own password). */
const SELF_SERVICE = new Set(['/auth/logout', '/auth/password', '/auth/me']);

export const USER_ROLES_TEXT = 'viewer|operator|admin';

export type Decision = { ok: true } | { ok: false; reason: string };

function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/** Admin-only paths: keys, users, the audit log. Tenant admins manage their own tenant's; routes scope them. */
export function isAdminPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/**
 * May this principal call `method path`? viewer: reads only; operator: reads and commands, no
 * administration; admin: everything (its tenant's users and keys; cluster admins every tenant's).
 */
export function permits(principal: Principal, method: string, path: string): Decision {
  if (SELF_SERVICE.has(path)) return { ok: true };
  if (isAdminPath(path)) {
    return principal.role === 'admin' ? { ok: true } : { ok: false, reason: `This endpoint needs the admin role (you are ${principal.role})` };
  }
  if (isRead(method)) return { ok: true };
  // Registering or removing roaming partners hands out credentials: administration, not a command.
  if ((path === '/roaming' || path.startsWith('/roaming/')) && principal.role !== 'admin') {
    return { ok: false, reason: `Roaming partners need the admin role (you are ${principal.role})` };
  }
  if (principal.role === 'viewer') return { ok: false, reason: 'The viewer role is read-only' };
  return { ok: true };
}

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{1,99}$/;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/** Why a new password is refused, or undefined. Length is what matters (NIST SP 800-63B); no composition rules. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `A password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `A password has at most ${MAX_PASSWORD_LENGTH} characters`;
  if (username && password.toLowerCase() === username.toLowerCase()) return 'The password must differ from the username';
  return undefined;
}

/** Whether a role/tenant pair makes sense: a cluster-wide user (no tenant) is an admin. */
export function scopeProblem(role: UserRole, tenantId: string | null): string | undefined {
  if (tenantId === null && role !== 'admin') return 'A user without a tenant is a cluster admin: role must be admin';
  return undefined;
}

/** The ids of users are not secret: `usr_` and 16 random hex characters (given by the caller). */
export function userId(randomHex: string): string {
  return `usr_${randomHex}`;
}
