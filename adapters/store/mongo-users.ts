import type { Db } from 'mongodb';
import type { AuditEntry, AuditRecord, NewSession, NewUser, SessionWithUser, UserChanges, UserRecord, UserStore } from '../../core/ports/store/user-store.js';
import { isDuplicateKey } from './mongo-batcher.js';
import { nextCounter } from './mongo-collections.js';

type UserDoc = Omit<UserRecord, 'id'> & { _id: string; usernameLower: string; passwordHash: string };
type SessionDoc = { _id: string; userId: string; csrfToken: string; createdAt: string; expiresAt: string };
type AuditDoc = AuditEntry & { _id: number };

/** Users (unique lower-cased username), sessions (_id = token hash) and the audit log (_id = counter) on MongoDB. */
export class MongoUsers implements UserStore {
  constructor(
    private readonly db: Db,
    private readonly ready: Promise<void>,
  ) {}

  private get users() {
    return this.db.collection<UserDoc>('users');
  }
  private get sessions() {
    return this.db.collection<SessionDoc>('user_sessions');
  }
  private get audit() {
    return this.db.collection<AuditDoc>('audit_log');
  }

  private static user({ _id, usernameLower, passwordHash, ...rest }: UserDoc): UserRecord {
    return { id: _id, ...rest };
  }

  async createUser(user: NewUser): Promise<boolean> {
    await this.ready;
    const now = new Date().toISOString();
    try {
      await this.users.insertOne({
        _id: user.id, username: user.username, usernameLower: user.username.toLowerCase(), passwordHash: user.passwordHash,
        role: user.role, tenantId: user.tenantId, createdAt: now, updatedAt: now, disabledAt: null,
      });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async findUserByName(username: string): Promise<(UserRecord & { passwordHash: string }) | undefined> {
    await this.ready;
    const doc = await this.users.findOne({ usernameLower: username.toLowerCase() });
    return doc ? { ...MongoUsers.user(doc), passwordHash: doc.passwordHash } : undefined;
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    await this.ready;
    const doc = await this.users.findOne({ _id: id });
    return doc ? MongoUsers.user(doc) : undefined;
  }

  async listUsers(tenantId?: string): Promise<UserRecord[]> {
    await this.ready;
    const docs = await this.users.find(tenantId === undefined ? {} : { tenantId }).sort({ username: 1, _id: 1 }).toArray();
    return docs.map((d) => MongoUsers.user(d));
  }

  async updateUser(id: string, changes: UserChanges): Promise<boolean> {
    await this.ready;
    const now = new Date().toISOString();
    const doc = await this.users.findOne({ _id: id });
    if (!doc) return false;
    const set: Partial<UserDoc> = { updatedAt: now };
    if (changes.role) set.role = changes.role;
    if (changes.passwordHash) set.passwordHash = changes.passwordHash;
    if (changes.disabled !== undefined) set.disabledAt = changes.disabled ? doc.disabledAt ?? now : null;
    return (await this.users.updateOne({ _id: id }, { $set: set })).matchedCount === 1;
  }

  async deleteUser(id: string): Promise<boolean> {
    await this.ready;
    await this.sessions.deleteMany({ userId: id });
    return (await this.users.deleteOne({ _id: id })).deletedCount === 1;
  }

  async countClusterAdmins(): Promise<number> {
    await this.ready;
    return this.users.countDocuments({ role: 'admin', tenantId: null, disabledAt: null });
  }

  async createSession(session: NewSession): Promise<void> {
    await this.ready;
    const now = new Date().toISOString();
    await this.sessions.deleteMany({ userId: session.userId, expiresAt: { $lte: now } });
    await this.sessions.insertOne({ _id: session.tokenHash, userId: session.userId, csrfToken: session.csrfToken, createdAt: now, expiresAt: session.expiresAt });
  }

  async findSession(tokenHash: string, now: string): Promise<SessionWithUser | undefined> {
    await this.ready;
    const session = await this.sessions.findOne({ _id: tokenHash, expiresAt: { $gt: now } });
    if (!session) return undefined;
    const doc = await this.users.findOne({ _id: session.userId, disabledAt: null });
    return doc ? { user: MongoUsers.user(doc), csrfToken: session.csrfToken, expiresAt: session.expiresAt } : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.ready;
    await this.sessions.deleteOne({ _id: tokenHash });
  }

  async deleteUserSessions(userId: string, keep?: string): Promise<number> {
    await this.ready;
    return (await this.sessions.deleteMany({ userId, _id: { $ne: keep ?? '' } })).deletedCount;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.ready;
    const id = await nextCounter(this.db, 'audit_log');
    await this.audit.insertOne({ ...entry, _id: id });
  }

  async listAudit(tenantId: string | undefined, options: { limit: number; before?: number }): Promise<AuditRecord[]> {
    await this.ready;
    const filter = { ...(tenantId === undefined ? {} : { tenantId }), _id: { $lt: options.before ?? Number.MAX_SAFE_INTEGER } };
    const docs = await this.audit.find(filter).sort({ _id: -1 }).limit(options.limit).toArray();
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...rest }));
  }
}
