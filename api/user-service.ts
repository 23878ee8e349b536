import { randomBytes } from 'node:crypto';
import { isValidTenantId } from '../core/api-keys.js';
import { ApiError } from '../core/errors.js';
import { passwordProblem, scopeProblem, userId, USERNAME_PATTERN } from '../core/users.js';
import type { UserRecord, UserRole, UserStore } from '../core/ports/store/user-store.js';

export interface NewUserRequest {
  username: string;
  password: string;
  role: UserRole;
  tenantId: string | null;
}

/** Creates a user (API, CLI, first start); the password is hashed by `hash` (scrypt). */
export async function createUser(store: UserStore, hash: (password: string) => Promise<string>, request: NewUserRequest): Promise<UserRecord> {
  if (!USERNAME_PATTERN.test(request.username)) throw new ApiError('BAD_REQUEST', 'A username has 2-100 of letters, digits and . _ @ + - (starting with a letter or digit)');
  if (request.tenantId !== null && !isValidTenantId(request.tenantId)) throw new ApiError('BAD_REQUEST', `Invalid tenant id '${request.tenantId}'`);
  const scope = scopeProblem(request.role, request.tenantId);
  if (scope) throw new ApiError('BAD_REQUEST', scope);
  const weak = passwordProblem(request.password, request.username);
  if (weak) throw new ApiError('BAD_REQUEST', weak);
  const id = userId(randomBytes(8).toString('hex'));
  const created = await store.createUser({ id, username: request.username, role: request.role, tenantId: request.tenantId, passwordHash: await hash(request.password) });
  if (!created) throw new ApiError('USER_EXISTS', `A user named ${request.username} exists already`);
  return (await store.getUser(id))!;
}

/** A random password for generated accounts: 18 bytes, base64url (24 characters, 144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The first admin user, so the UI needs no setup: when no cluster admin exists, `admin` (or
 * CSMS_ADMIN_USER) is created as a cluster admin with CSMS_ADMIN_PASSWORD or a generated password,
 * returned so the caller prints it once. Undefined when nothing new must be shown.
 */
export async function bootstrapAdminUser(
  store: UserStore,
  hash: (password: string) => Promise<string>,
  env: { username?: string; password?: string },
): Promise<{ username: string; password: string } | undefined> {
  if ((await store.countClusterAdmins()) > 0) return undefined;
  const username = env.username || 'admin';
  if (await store.findUserByName(username)) return undefined;
  const password = env.password || generatePassword();
  try {
    await createUser(store, hash, { username, password, role: 'admin', tenantId: null });
  } catch (error) {
    // Nodes starting at once on one shared store: another node created it first, and printed it.
    if (error instanceof ApiError && error.code === 'USER_EXISTS') return undefined;
    throw error;
  }
  return env.password ? undefined : { username, password };
}
