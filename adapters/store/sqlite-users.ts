import type { Database, Statement } from 'better-sqlite3';
import type { AuditEntry, AuditRecord, NewSession, NewUser, SessionWithUser, UserChanges, UserRecord, UserStore } from '../../core/ports/store/user-store.js';
import type { GroupCommit } from './group-commit.js';

type Row = Record<string, unknown>;

export function toUser(row: Row): UserRecord {
  return {
    id: row.id as string,
    username: row.username as string,
    role: row.role as UserRecord['role'],
    tenantId: (row.tenant_id as string | null) ?? null,
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    disabledAt: (row.disabled_at as string | null) ?? null,
  };
}

export function toAudit(row: Row, request: unknown): AuditRecord {
  return {
    id: Number(row.id),
    tenantId: row.tenant_id as string,
    at: row.at as string,
    userId: row.user_id as string,
    username: row.username as string,
    route: row.route as string,
    stationId: (row.station_id as string | null) ?? null,
    action: (row.action as string | null) ?? null,
    result: row.result as string,
    httpStatus: Number(row.http_status),
    request,
  };
}

/** Users, their sessions and the audit log on SQLite; shares the database and group commit of `SqliteStore`. */
export class SqliteUsers implements UserStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO users (id, username, password_hash, role, tenant_id, created_at, updated_at)
         VALUES (@id, @username, @passwordHash, @role, @tenantId, @now, @now) ON CONFLICT DO NOTHING`,
      ),
      byName: db.prepare('SELECT * FROM users WHERE username = ?'),
      byId: db.prepare('SELECT * FROM users WHERE id = ?'),
      all: db.prepare('SELECT * FROM users ORDER BY username, id'),
      byTenant: db.prepare('SELECT * FROM users WHERE tenant_id = ? ORDER BY username, id'),
      update: db.prepare(
        `UPDATE users SET role = coalesce(@role, role), password_hash = coalesce(@passwordHash, password_hash),
           disabled_at = CASE WHEN @disabled IS NULL THEN disabled_at WHEN @disabled = 1 THEN coalesce(disabled_at, @now) ELSE NULL END,
           updated_at = @now WHERE id = @id`,
      ),
      delete: db.prepare('DELETE FROM users WHERE id = ?'),
      countAdmins: db.prepare("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND tenant_id IS NULL AND disabled_at IS NULL"),
      insertSession: db.prepare(
        'INSERT INTO user_sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (@tokenHash, @userId, @csrfToken, @now, @expiresAt)',
      ),
      expiredSessions: db.prepare('DELETE FROM user_sessions WHERE user_id = ? AND expires_at <= ?'),
      session: db.prepare(
        `SELECT u.*, s.csrf_token AS s_csrf, s.expires_at AS s_expires FROM user_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled_at IS NULL`,
      ),
      deleteSession: db.prepare('DELETE FROM user_sessions WHERE token_hash = ?'),
      deleteUserSessions: db.prepare('DELETE FROM user_sessions WHERE user_id = ? AND token_hash <> ?'),
      insertAudit: db.prepare(
        `INSERT INTO audit_log (tenant_id, at, user_id, username, route, station_id, action, result, http_status, request)
         VALUES (@tenantId, @at, @userId, @username, @route, @stationId, @action, @result, @httpStatus, @request)`,
      ),
      auditAll: db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?'),
      auditTenant: db.prepare('SELECT * FROM audit_log WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?'),
    };
  }

  createUser(user: NewUser): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => this.stmt.insert!.run({ ...user, now }).changes === 1);
  }

  async findUserByName(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    const row = this.stmt.byName!.get(username) as Row | undefined;
    return row ? { ...toUser(row), passwordHash: row.password_hash as string } : undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.stmt.byId!.get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async listUsers(tenantId?: string): Promise<UserRecord[]> {
    const rows = (tenantId === undefined ? this.stmt.all!.all() : this.stmt.byTenant!.all(tenantId)) as Row[];
    return rows.map(toUser);
  }

  updateUser(id: string, changes: UserChanges): Promise<boolean> {
    const now = new Date().toISOString();
    const disabled = changes.disabled === undefined ? null : changes.disabled ? 1 : 0;
    return this.writer.enqueue(
      () => this.stmt.update!.run({ id, now, role: changes.role ?? null, passwordHash: changes.passwordHash ?? null, disabled }).changes === 1,
    );
  }

  deleteUser(id: string): Promise<boolean> {
    return this.writer.enqueue(() => {
      this.stmt.deleteUserSessions!.run(id, '');
      return this.stmt.delete!.run(id).changes === 1;
    });
  }

  async countClusterAdmins(): Promise<number> {
    return (this.stmt.countAdmins!.get() as { n: number }).n;
  }

  createSession(session: NewSession): Promise<void> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => {
      this.stmt.expiredSessions!.run(session.userId, now);
      this.stmt.insertSession!.run({ ...session, now });
    });
  }

  async findSession(tokenHash: string, now: string): Promise<SessionWithUser | undefined> {
    const row = this.stmt.session!.get(tokenHash, now) as Row | undefined;
    return row ? { user: toUser(row), csrfToken: row.s_csrf as string, expiresAt: row.s_expires as string } : undefined;
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.writer.enqueue(() => {
      this.stmt.deleteSession!.run(tokenHash);
    });
  }

  deleteUserSessions(userId: string, keep?: string): Promise<number> {
    return this.writer.enqueue(() => this.stmt.deleteUserSessions!.run(userId, keep ?? '').changes);
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    return this.writer.enqueue(() => {
      this.stmt.insertAudit!.run({ ...entry, request: entry.request === undefined ? null : JSON.stringify(entry.request) });
    });
  }

  async listAudit(tenantId: string | undefined, options: { limit: number; before?: number }): Promise<AuditRecord[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = (tenantId === undefined ? this.stmt.auditAll!.all(before, options.limit) : this.stmt.auditTenant!.all(tenantId, before, options.limit)) as Row[];
    return rows.map((row) => toAudit(row, row.request == null ? null : JSON.parse(row.request as string)));
  }
}
