/**
 * People who log in to the operator UI (API keys stay for machines). A user is scoped to one
 * tenant, or is a cluster admin (`tenantId` null, role `admin` only). Passwords are stored as
 * scrypt hashes (core/password.ts); sessions only as the SHA-256 of their random token.
 */
export type UserRole = 'viewer' | 'operator' | 'admin';

export const USER_ROLES: readonly UserRole[] = ['viewer', 'operator', 'admin'];

export interface UserRecord {
  id: string;
  /** Unique across tenants, compared case-insensitively (it is what people type to log in). */
  username: string;
  role: UserRole;
  /** null: a cluster admin, acting on any tenant. */
  tenantId: string | null;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
}

export interface NewUser {
  id: string;
  username: string;
  role: UserRole;
  tenantId: string | null;
  passwordHash: string;
}

export interface UserChanges {
  role?: UserRole;
  passwordHash?: string;
  disabled?: boolean;
}

export interface NewSession {
  /** SHA-256 (hex) of the cookie's random token. */
  tokenHash: string;
  userId: string;
  /** The double-submit CSRF token of this session (random, sent back in a header). */
  csrfToken: string;
  expiresAt: string;
}

export interface SessionWithUser {
  user: UserRecord;
  csrfToken: string;
  expiresAt: string;
}

/** One command sent by a user (who, what, when, the station's answer). */
export interface AuditEntry {
  tenantId: string;
  at: string;
  userId: string;
  username: string;
  /** `POST /stations/CS-1/reset` style: the route that sent it. */
  route: string;
  stationId: string | null;
  /** The OCPP action sent, null when nothing was sent. */
  action: string | null;
  /** The station's status, CALLERROR code or why it got no answer (api/station-call.ts). */
  result: string;
  httpStatus: number;
  /** The request body as sent (bounded by the caller). */
  request: unknown;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface UserStore {
  /** False when the username (case-insensitively) or id exists already. */
  createUser(user: NewUser): Promise<boolean>;
  findUserByName(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined>;
  getUser(id: string): Promise<UserRecord | undefined>;
  /** Users of one tenant, or every user when tenantId is undefined; by username. */
  listUsers(tenantId?: string): Promise<UserRecord[]>;
  /** False when no user has that id. */
  updateUser(id: string, changes: UserChanges): Promise<boolean>;
  /** Deletes the user and its sessions; false when absent. */
  deleteUser(id: string): Promise<boolean>;
  /** Live (not disabled) cluster admins. */
  countClusterAdmins(): Promise<number>;

  createSession(session: NewSession): Promise<void>;
  /** The session and its user when the session is unexpired at `now` and the user not disabled. */
  findSession(tokenHash: string, now: string): Promise<SessionWithUser | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of a user except `keep` (a password change); returns how many ended. */
  deleteUserSessions(userId: string, keep?: string): Promise<number>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; one tenant, or every tenant when undefined; `before` an id for paging. */
  listAudit(tenantId: string | undefined, options: { limit: number; before?: number }): Promise<AuditRecord[]>;
}
