import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { BootInfo, ConnectorStatusRecord, StationRecord } from '../../core/types.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './sqlite-migrations.js';
import type { ConnectorStatusUpdate, NewStation, Page, PageQuery, StationLogin, Store } from '../../core/ports/store/store.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { ApiKeyStore } from '../../core/ports/store/api-key-store.js';
import type { MessageLogStore } from '../../core/ports/store/message-log-store.js';
import { SqliteApiKeyStore } from './sqlite-api-key-store.js';
import { SqliteMessageLogStore } from './sqlite-message-log-store.js';
import { SqliteDeviceModel } from './sqlite-device-model.js';
import { SqliteStationEvents } from './sqlite-station-events.js';
import { SqliteRequests } from './sqlite-requests.js';
import { SqliteTokens } from './sqlite-tokens.js';
import { SqliteTransactions } from './sqlite-transactions.js';
import type { TokenStore } from '../../core/ports/store/token-store.js';
import type { TransactionStore } from '../../core/ports/store/transaction-store.js';
import { toConnector, toStation, type Row } from './sql-rows.js';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for tests. */
  path: string;
  /** 'NORMAL' survives a process crash (kill -9) in WAL mode; 'FULL' also survives power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** Group commit pacing (see GroupCommit): least ms between commits, writes that force one. */
  commitIntervalMs?: number;
  commitMaxWrites?: number;
  onCommit?: (writes: number, ms: number) => void;
  /**
   * Unset: SQLite checkpoints the WAL itself after commits. 0: never on this connection (another
   * one does it). N > 0: a PASSIVE checkpoint every N ms from this connection, never after a commit.
   */
  checkpointEveryMs?: number;
  /** Least ms between two checks that the file is still the one opened, made before a commit (default 200). */
  fileCheckMs?: number;
}

/** A file's identity: a deleted or replaced file has another (or none). */
export interface FileIdentity {
  dev: number;
  ino: number;
}

function statIdentity(path: string): FileIdentity | undefined {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Why `path` no longer names the file opened as `opened` (deleted, or replaced by another file),
 * or undefined while it still does. Writes to a deleted file succeed and vanish at the next
 * restart, so a store that finds this must stop acknowledging.
 */
export function fileIdentityProblem(
  path: string,
  opened: FileIdentity,
  stat: (path: string) => FileIdentity | undefined = statIdentity,
): string | undefined {
  let now: FileIdentity | undefined;
  try {
    now = stat(path);
  } catch (error) {
    return `SQLite database file ${path} cannot be checked: ${(error as Error).message}`;
  }
  if (!now) return `SQLite database file ${path} was deleted while open`;
  if (now.dev !== opened.dev || now.ino !== opened.ino) return `SQLite database file ${path} was replaced by another file while open`;
  return undefined;
}

/** The store's file is gone or replaced: every later write fails with this. */
export class StoreFileError extends Error {
  readonly code = 'STORE_FILE_CHANGED';
  override readonly name = 'StoreFileError';
}

/** SQLite errors that mean the storage itself fails (disk full, read-only, I/O), not one write's data. */
export function isStorageFault(error: unknown): boolean {
  if (error instanceof StoreFileError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|PERM)/.test(code);
}

/**
 * The embedded default store. better-sqlite3 is synchronous, so writes go through a group
 * commit: one transaction per batch (paced, see GroupCommit); promises settle after the commit.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly db: Database;
  private readonly writer: GroupCommit;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private readonly stmt: Record<string, Statement>;
  /** Slices kept in their own files, sharing this database and its group commit. */
  private readonly apiKeys: ApiKeyStore;
  private readonly messageLog: MessageLogStore;
  private readonly sessions: SqliteTransactions;
  private readonly tokens: SqliteTokens;
  readonly deviceModel: SqliteDeviceModel;
  readonly stationEvents: SqliteStationEvents;
  readonly requests: SqliteRequests;
  /** Told after every commit attempt: undefined when it committed, else the storage fault (see isStorageFault). */
  onCommitOutcome: ((fault: unknown) => void) | undefined;
  private readonly file: { path: string; opened: FileIdentity; everyMs: number; checkedAt: number; problem: string | undefined } | undefined;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new BetterSqlite3(options.path);
    const opened = options.path === ':memory:' ? undefined : statIdentity(options.path);
    this.file = opened && { path: options.path, opened, everyMs: options.fileCheckMs ?? 200, checkedAt: performance.now(), problem: undefined };
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    // The handler thread writes the hot path; the API thread writes the control plane (keys,
    // stations, tokens) on its own connection. A writer that finds the lock taken waits.
    this.db.pragma('busy_timeout = 5000');
    if (options.checkpointEveryMs !== undefined) {
      // The hot-path writer leaves checkpoints to another connection: an automatic checkpoint
      // copies ~1000 pages and syncs the database file inside a commit (measured: transaction
      // p99 14 ms → 9 ms without them). PASSIVE never blocks that writer.
      this.db.pragma('wal_autocheckpoint = 0');
      if (options.checkpointEveryMs > 0) {
        this.checkpointTimer = setInterval(() => this.checkpoint(), options.checkpointEveryMs);
        this.checkpointTimer.unref();
      }
    }
    migrate(this.db);
    this.stmt = this.prepareStatements();
    const runAll = this.db.transaction((writes: Array<() => unknown>) =>
      writes.map((write) => {
        try {
          return { ok: true as const, value: write() };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
    // IMMEDIATE takes the write lock up front: a deferred transaction that read first could
    // fail with SQLITE_BUSY_SNAPSHOT when the other connection committed in between.
    this.writer = new GroupCommit({
      commit: (writes) => {
        try {
          const problem = this.checkFile();
          if (problem) throw new StoreFileError(problem);
          const outcomes = runAll.immediate(writes);
          const fault = outcomes.find((o) => !o.ok && isStorageFault(o.error));
          this.onCommitOutcome?.(fault && !fault.ok ? fault.error : undefined);
          return outcomes;
        } catch (error) {
          this.onCommitOutcome?.(error);
          throw error;
        }
      },
      intervalMs: options.commitIntervalMs,
      maxBatch: options.commitMaxWrites,
      onCommit: options.onCommit,
    });
    this.apiKeys = new SqliteApiKeyStore(this.db, this.writer);
    this.messageLog = new SqliteMessageLogStore(this.db, this.writer);
    this.sessions = new SqliteTransactions(this.db, this.writer);
    this.tokens = new SqliteTokens(this.db, this.writer);
    this.deviceModel = new SqliteDeviceModel(this.db, this.writer);
    this.stationEvents = new SqliteStationEvents(this.db, this.writer);
    this.requests = new SqliteRequests(this.db, this.writer);
  }

  private prepareStatements(): Record<string, Statement> {
    const db = this.db;
    return {
      insertStation: db.prepare(
        `INSERT INTO stations (id, tenant_id, password_hash, created_at, updated_at)
         VALUES (@id, @tenantId, @passwordHash, @now, @now) ON CONFLICT(id) DO NOTHING`,
      ),
      getStation: db.prepare('SELECT * FROM stations WHERE tenant_id = ? AND id = ?'),
      login: db.prepare('SELECT id, tenant_id, password_hash FROM stations WHERE id = ?'),
      listStations: db.prepare('SELECT * FROM stations WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?'),
      deleteStation: db.prepare('DELETE FROM stations WHERE tenant_id = ? AND id = ?'),
      deleteConnectors: db.prepare('DELETE FROM connector_statuses WHERE tenant_id = ? AND station_id = ?'),
      boot: db.prepare(
        `INSERT INTO stations (id, tenant_id, password_hash, vendor, model, serial_number, firmware_version,
           iccid, imsi, protocol, boot_reason, last_boot_at, last_seen_at, created_at, updated_at)
         VALUES (@id, @tenantId, NULL, @vendor, @model, @serialNumber, @firmwareVersion, @iccid, @imsi,
           @protocol, @reason, @at, @at, @at, @at)
         ON CONFLICT(id) DO UPDATE SET vendor = excluded.vendor, model = excluded.model,
           serial_number = excluded.serial_number, firmware_version = excluded.firmware_version,
           iccid = excluded.iccid, imsi = excluded.imsi, protocol = excluded.protocol,
           boot_reason = excluded.boot_reason, last_boot_at = excluded.last_boot_at,
           last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at
         WHERE stations.tenant_id = excluded.tenant_id`,
      ),
      seen: db.prepare('UPDATE stations SET last_seen_at = ? WHERE tenant_id = ? AND id = ?'),
      connectorStatus: db.prepare(
        `INSERT INTO connector_statuses (station_id, evse_id, connector_id, tenant_id, status, detailed_status,
           error_code, info, vendor_error_code, reported_at, updated_at)
         SELECT @stationId, @evseId, @connectorId, @tenantId, @status, @detailedStatus, @errorCode, @info,
           @vendorErrorCode, @reportedAt, @updatedAt
         WHERE EXISTS (SELECT 1 FROM stations WHERE id = @stationId AND tenant_id = @tenantId)
         ON CONFLICT(station_id, evse_id, connector_id) DO UPDATE SET status = excluded.status,
           detailed_status = excluded.detailed_status, error_code = excluded.error_code, info = excluded.info,
           vendor_error_code = excluded.vendor_error_code, reported_at = excluded.reported_at,
           updated_at = excluded.updated_at
         WHERE connector_statuses.tenant_id = excluded.tenant_id`,
      ),
      listConnectors: db.prepare(
        'SELECT * FROM connector_statuses WHERE tenant_id = ? AND station_id = ? ORDER BY evse_id, connector_id',
      ),
    };
  }

  createStation(station: NewStation): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => this.stmt.insertStation!.run({ ...station, now }).changes === 1);
  }

  async getStation(tenantId: string, id: string): Promise<StationRecord | undefined> {
    const row = this.stmt.getStation!.get(tenantId, id) as Row | undefined;
    return row ? toStation(row) : undefined;
  }

  async findStationLogin(id: string): Promise<StationLogin | undefined> {
    const row = this.stmt.login!.get(id) as Row | undefined;
    if (!row) return undefined;
    return { id: row.id as string, tenantId: row.tenant_id as string, passwordHash: (row.password_hash as string | null) ?? null };
  }

  async listStations(tenantId: string, query: PageQuery): Promise<Page<StationRecord>> {
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const rows = this.stmt.listStations!.all(tenantId, after, query.limit + 1) as Row[];
    const items = rows.slice(0, query.limit).map(toStation);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : undefined };
  }

  deleteStation(tenantId: string, id: string): Promise<boolean> {
    return this.writer.enqueue(() => {
      this.stmt.deleteConnectors!.run(tenantId, id);
      return this.stmt.deleteStation!.run(tenantId, id).changes === 1;
    });
  }

  async recordBoot(tenantId: string, id: string, boot: BootInfo): Promise<void> {
    await this.writer.enqueue(() =>
      this.stmt.boot!.run({
        id,
        tenantId,
        vendor: boot.vendor,
        model: boot.model,
        serialNumber: boot.serialNumber ?? null,
        firmwareVersion: boot.firmwareVersion ?? null,
        iccid: boot.iccid ?? null,
        imsi: boot.imsi ?? null,
        protocol: boot.protocol,
        reason: boot.reason ?? null,
        at: boot.at,
      }),
    );
  }

  async recordSeen(tenantId: string, id: string, at: string): Promise<void> {
    await this.writer.enqueue(() => this.stmt.seen!.run(at, tenantId, id));
  }

  async recordConnectorStatus(update: ConnectorStatusUpdate): Promise<void> {
    const updatedAt = new Date().toISOString();
    await this.writer.enqueue(() => this.stmt.connectorStatus!.run({ ...update, updatedAt }));
  }

  async listConnectorStatuses(tenantId: string, stationId: string): Promise<ConnectorStatusRecord[]> {
    return (this.stmt.listConnectors!.all(tenantId, stationId) as Row[]).map(toConnector);
  }

  createApiKey: ApiKeyStore['createApiKey'] = (key) => this.apiKeys.createApiKey(key);
  findApiKeyByHash: ApiKeyStore['findApiKeyByHash'] = (hash) => this.apiKeys.findApiKeyByHash(hash);
  listApiKeys: ApiKeyStore['listApiKeys'] = (tenantId) => this.apiKeys.listApiKeys(tenantId);
  revokeApiKey: ApiKeyStore['revokeApiKey'] = (id) => this.apiKeys.revokeApiKey(id);
  countAdminKeys: ApiKeyStore['countAdminKeys'] = () => this.apiKeys.countAdminKeys();
  appendMessages: MessageLogStore['appendMessages'] = (frames) => this.messageLog.appendMessages(frames);
  listMessages: MessageLogStore['listMessages'] = (tenantId, stationId, query) => this.messageLog.listMessages(tenantId, stationId, query);
  pruneMessages: MessageLogStore['pruneMessages'] = (retention) => this.messageLog.pruneMessages(retention);

  // Charging sessions (issue 5): transactions, meter values, id tokens, local lists.
  startTransaction16: TransactionStore['startTransaction16'] = (t, s, r) => this.sessions.startTransaction16(t, s, r);
  applyTransactionEvent: TransactionStore['applyTransactionEvent'] = (t, s, e) => this.sessions.applyTransactionEvent(t, s, e);
  recordStationMeterValues: TransactionStore['recordStationMeterValues'] = (v) => this.sessions.recordStationMeterValues(v);
  recordRemoteStart: TransactionStore['recordRemoteStart'] = (r) => this.sessions.recordRemoteStart(r);
  findActiveTransaction: TransactionStore['findActiveTransaction'] = (t, s, e) => this.sessions.findActiveTransaction(t, s, e);
  getTransaction: TransactionStore['getTransaction'] = (t, id, s) => this.sessions.getTransaction(t, id, s);
  listTransactions: TransactionStore['listTransactions'] = (t, q) => this.sessions.listTransactions(t, q);
  listMeterValues: TransactionStore['listMeterValues'] = (t, s, id, l) => this.sessions.listMeterValues(t, s, id, l);
  findIdToken: TokenStore['findIdToken'] = (t, id) => this.tokens.findIdToken(t, id);
  putIdToken: TokenStore['putIdToken'] = (token) => this.tokens.putIdToken(token);
  recordSeenIdToken: TokenStore['recordSeenIdToken'] = (token) => this.tokens.recordSeenIdToken(token);
  deleteIdToken: TokenStore['deleteIdToken'] = (t, id) => this.tokens.deleteIdToken(t, id);
  listIdTokens: TokenStore['listIdTokens'] = (t, q) => this.tokens.listIdTokens(t, q);
  getLocalList: TokenStore['getLocalList'] = (t, s) => this.tokens.getLocalList(t, s);
  applyLocalList: TokenStore['applyLocalList'] = (t, s, u) => this.tokens.applyLocalList(t, s, u);

  flush(): Promise<void> {
    return this.writer.drain();
  }

  /**
   * Why the database file is no longer the one opened, or undefined. Stats the path at most once
   * per `fileCheckMs` unless `force` (between checks the last answer stands).
   */
  checkFile(force = false): string | undefined {
    const file = this.file;
    if (!file) return undefined;
    const now = performance.now();
    if (!force && now - file.checkedAt < file.everyMs) return file.problem;
    file.checkedAt = now;
    file.problem = fileIdentityProblem(file.path, file.opened);
    return file.problem;
  }

  private checkpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or closing: the next tick tries again; the WAL only grows meanwhile.
    }
  }

  async close(): Promise<void> {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    await this.writer.drain();
    this.db.close();
  }
}
