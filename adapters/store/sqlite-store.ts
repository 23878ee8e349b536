import { SqliteOcpi } from './sqlite-ocpi.js';
import type { OcpiStore } from '../../core/ports/store/ocpi-store.js';
import { mkdirSync, statSync } from 'node:fs';
import type { CampaignStore } from '../../core/ports/store/campaign-store.js';
import type { SiteStore } from '../../core/ports/store/site-store.js';
import type { UploadStore } from '../../core/ports/store/upload-store.js';
import { SqliteCampaigns } from './sqlite-campaigns.js';
import { SqliteSites } from './sqlite-sites.js';
import { SqliteUploads } from './sqlite-uploads.js';
import { SqliteCertificates } from './sqlite-certificates.js';
import type { CertificateStore } from '../../core/ports/store/certificate-store.js';
import { SqliteTariffs } from './sqlite-tariffs.js';
import type { TariffStore } from '../../core/ports/store/tariff-store.js';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { GroupCommit } from './group-commit.js';
import { migrate } from './sqlite-migrations.js';
import type { StationStore, Store } from '../../core/ports/store/store.js';
import type { DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { RequestStore } from '../../core/ports/store/request-store.js';
import type { StationEventStore } from '../../core/ports/store/station-event-store.js';
import type { ChargingProfileStore } from '../../core/ports/store/charging-profile-store.js';
import { SqliteChargingProfiles } from './sqlite-charging-profiles.js';
import type { ReservationStore } from '../../core/ports/store/reservation-store.js';
import type { DisplayMessageStore } from '../../core/ports/store/display-message-store.js';
import { SqliteReservations } from './sqlite-reservations.js';
import { SqliteDisplayMessages } from './sqlite-display-messages.js';
import type { ApiKeyStore } from '../../core/ports/store/api-key-store.js';
import type { MessageLogStore } from '../../core/ports/store/message-log-store.js';
import { SqliteApiKeyStore } from './sqlite-api-key-store.js';
import { SqliteUsers } from './sqlite-users.js';
import type { UserStore } from '../../core/ports/store/user-store.js';
import { SqliteMessageLogStore } from './sqlite-message-log-store.js';
import { SqliteDeviceModel } from './sqlite-device-model.js';
import { SqliteStationEvents } from './sqlite-station-events.js';
import { SqliteRequests } from './sqlite-requests.js';
import { SqliteTokens } from './sqlite-tokens.js';
import { SqliteTransactions } from './sqlite-transactions.js';
import type { TokenStore } from '../../core/ports/store/token-store.js';
import type { TransactionStore } from '../../core/ports/store/transaction-store.js';
import { SqliteStations } from './sqlite-stations.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { SqliteConfigTemplates } from './sqlite-config-templates.js';
import type { ConfigTemplateStore } from '../../core/ports/store/config-template-store.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import type { OutboxStore } from '../../core/ports/store/outbox-store.js';
import type { SessionRules } from '../../core/config.js';

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
   * one does it). N > 0: never after a commit on this connection; a PASSIVE checkpoint every N ms on
   * a thread of its own (`SqliteCheckpointer`).
   */
  checkpointEveryMs?: number;
  /** With checkpointEveryMs > 0: the WAL size at which the checkpoint thread starts (default 4 MB). */
  checkpointStartAtWalBytes?: number;
  /** Least ms between two checks that the file is still the one opened, made before a commit (default 200). */
  fileCheckMs?: number;
  /** Session rules the transaction fold applies (core/config.ts SessionRules); absent: defaults. */
  sessions?: Partial<SessionRules>;
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
  private checkpointer: SqliteCheckpointer | undefined;
  /** The slices, each in its own file, sharing this database and its group commit. */
  readonly stations: StationStore;
  readonly apiKeys: ApiKeyStore;
  readonly users: UserStore;
  readonly messageLog: MessageLogStore;
  readonly transactions: TransactionStore;
  readonly tokens: TokenStore;
  readonly deviceModel: DeviceModelStore;
  readonly requests: RequestStore;
  readonly stationEvents: StationEventStore;
  readonly chargingProfiles: ChargingProfileStore;
  readonly reservations: ReservationStore;
  readonly displayMessages: DisplayMessageStore;
  readonly outbox: OutboxStore;
  readonly configTemplates: ConfigTemplateStore;
  readonly ocpi: OcpiStore;
  /** Firmware campaigns (core/firmware-campaign.ts). */
  readonly campaigns: CampaignStore;
  /** Sites for load management (core/sites.ts). */
  readonly sites: SiteStore;
  /** Upload slots of the built-in upload target. */
  readonly uploads: UploadStore;
  readonly certificates: CertificateStore;
  readonly tariffs: TariffStore;
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
      if (options.checkpointEveryMs > 0 && options.path !== ':memory:') {
        this.checkpointer = new SqliteCheckpointer(options.path, options.checkpointEveryMs, options.checkpointStartAtWalBytes);
      }
    }
    migrate(this.db);
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
    const outbox = new SqliteOutbox(this.db, this.writer);
    this.stations = new SqliteStations(this.db, this.writer, outbox);
    this.apiKeys = new SqliteApiKeyStore(this.db, this.writer);
    this.users = new SqliteUsers(this.db, this.writer);
    this.messageLog = new SqliteMessageLogStore(this.db, this.writer);
    const tariffs = new SqliteTariffs(this.db, this.writer);
    this.transactions = new SqliteTransactions(this.db, this.writer, options.sessions, tariffs, outbox);
    this.tokens = new SqliteTokens(this.db, this.writer);
    this.deviceModel = new SqliteDeviceModel(this.db, this.writer);
    this.stationEvents = new SqliteStationEvents(this.db, this.writer);
    this.chargingProfiles = new SqliteChargingProfiles(this.db, this.writer);
    this.reservations = new SqliteReservations(this.db, this.writer);
    this.displayMessages = new SqliteDisplayMessages(this.db, this.writer);
    this.requests = new SqliteRequests(this.db, this.writer);
    this.outbox = outbox;
    this.configTemplates = new SqliteConfigTemplates(this.db, this.writer);
    this.ocpi = new SqliteOcpi(this.db, this.writer);
    this.campaigns = new SqliteCampaigns(this.db, this.writer);
    this.sites = new SqliteSites(this.db, this.writer);
    this.uploads = new SqliteUploads(this.db, this.writer);
    this.certificates = new SqliteCertificates(this.db, this.writer);
    this.tariffs = tariffs;
  }

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

  async close(): Promise<void> {
    await this.writer.drain();
    await this.checkpointer?.stop();
    this.db.close();
  }
}
