import type { Sql } from 'postgres';
import type { AuditEntry, AuditRecord, NewSession, NewUser, SessionWithUser, UserChanges, UserRecord, UserStore } from '../../core/ports/store/user-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import { toAudit, toUser } from './sqlite-users.js';

const USER_COLUMNS = 'id, username, role, tenant_id, created_at, updated_at, disabled_at';

/** Users, their sessions and the audit log on PostgreSQL (core/ports/store/user-store.ts). */
export class PostgresUsers implements UserStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  createUser(user: NewUser): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO users (id, username, password_hash, role, tenant_id, created_at, updated_at)
         VALUES (${user.id}, ${user.username}, ${user.passwordHash}, ${user.role}, ${user.tenantId}, ${now}, ${now})
         ON CONFLICT DO NOTHING`.then((r) => r.count === 1),
    );
  }

  async findUserByName(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    const [row] = await this.sql`SELECT * FROM users WHERE lower(username) = lower(${username})`;
    return row ? { ...toUser(row), passwordHash: row.password_hash as string } : undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.sql`SELECT ${this.sql.unsafe(USER_COLUMNS)} FROM users WHERE id = ${id}`;
    return row ? toUser(row) : undefined;
  }

  async listUsers(tenantId?: string): Promise<UserRecord[]> {
    const rows =
      tenantId === undefined
        ? await this.sql`SELECT ${this.sql.unsafe(USER_COLUMNS)} FROM users ORDER BY username, id`
        : await this.sql`SELECT ${this.sql.unsafe(USER_COLUMNS)} FROM users WHERE tenant_id = ${tenantId} ORDER BY username, id`;
    return rows.map(toUser);
  }

  updateUser(id: string, changes: UserChanges): Promise<boolean> {
    const now = new Date().toISOString();
    const disabled = changes.disabled === undefined ? null : changes.disabled;
    return this.writer.pipelined((tx) =>
      tx`UPDATE users SET role = coalesce(${changes.role ?? null}::text, role),
           password_hash = coalesce(${changes.passwordHash ?? null}::text, password_hash),
           disabled_at = CASE WHEN ${disabled}::boolean IS NULL THEN disabled_at WHEN ${disabled}::boolean THEN coalesce(disabled_at, ${now}) ELSE NULL END,
           updated_at = ${now} WHERE id = ${id}`.then((r) => r.count === 1),
    );
  }

  deleteUser(id: string): Promise<boolean> {
    return this.writer.sequential(async (tx) => {
      await tx`DELETE FROM user_sessions WHERE user_id = ${id}`;
      const r = await tx`DELETE FROM users WHERE id = ${id}`;
      return r.count === 1;
    });
  }

  async countClusterAdmins(): Promise<number> {
    const [row] = await this.sql`SELECT count(*)::integer AS n FROM users WHERE role = 'admin' AND tenant_id IS NULL AND disabled_at IS NULL`;
    return row!.n as number;
  }

  createSession(session: NewSession): Promise<void> {
    const now = new Date().toISOString();
    return this.writer.sequential(async (tx) => {
      await tx`DELETE FROM user_sessions WHERE user_id = ${session.userId} AND expires_at <= ${now}`;
      await tx`INSERT INTO user_sessions (token_hash, user_id, csrf_token, created_at, expires_at)
        VALUES (${session.tokenHash}, ${session.userId}, ${session.csrfToken}, ${now}, ${session.expiresAt})`;
    });
  }

  async findSession(tokenHash: string, now: string): Promise<SessionWithUser | undefined> {
    const [row] = await this.sql`SELECT u.id, u.username, u.role, u.tenant_id, u.created_at, u.updated_at, u.disabled_at,
        s.csrf_token AS s_csrf, s.expires_at AS s_expires
      FROM user_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenHash} AND s.expires_at > ${now} AND u.disabled_at IS NULL`;
    return row ? { user: toUser(row), csrfToken: row.s_csrf as string, expiresAt: row.s_expires as string } : undefined;
  }

  deleteSession(tokenHash: string): Promise<void> {
    return this.writer.pipelined((tx) => tx`DELETE FROM user_sessions WHERE token_hash = ${tokenHash}`.then(() => undefined));
  }

  deleteUserSessions(userId: string, keep?: string): Promise<number> {
    return this.writer.pipelined((tx) => tx`DELETE FROM user_sessions WHERE user_id = ${userId} AND token_hash <> ${keep ?? ''}`.then((r) => r.count));
  }

  appendAudit(entry: AuditEntry): Promise<void> {
    const request = entry.request === undefined ? null : JSON.stringify(entry.request);
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO audit_log (tenant_id, at, user_id, username, route, station_id, action, result, http_status, request)
        VALUES (${entry.tenantId}, ${entry.at}, ${entry.userId}, ${entry.username}, ${entry.route}, ${entry.stationId}, ${entry.action},
          ${entry.result}, ${entry.httpStatus}, ${request})`.then(() => undefined),
    );
  }

  async listAudit(tenantId: string | undefined, options: { limit: number; before?: number }): Promise<AuditRecord[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows =
      tenantId === undefined
        ? await this.sql`SELECT * FROM audit_log WHERE id < ${before} ORDER BY id DESC LIMIT ${options.limit}`
        : await this.sql`SELECT * FROM audit_log WHERE tenant_id = ${tenantId} AND id < ${before} ORDER BY id DESC LIMIT ${options.limit}`;
    return rows.map((row) => toAudit(row, row.request == null ? null : JSON.parse(row.request as string)));
  }
}
