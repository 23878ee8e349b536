/**
 * The PostgreSQL store: the shared store of a cluster of nodes (CSMS_STORE=postgres).
 *
 * Driver: `postgres` (porsager, 3.4), chosen over `pg` (node-postgres 8.23) by measurement on
 * this machine: PostgreSQL 15 on loopback, 2 cores shared by client and server (and by other
 * test runs: load ~5, hence medians of 7 alternating runs), Node 20. Wall time / client CPU
 * (user+system of the Node process). pg used named (prepared) statements, its best case.
 *
 *   10k single-row INSERTs, 100 per transaction (BEGIN … COMMIT):
 *     each statement awaited            pg 2.1 s / 1.21 s      postgres 2.3 s / 1.42 s
 *     pipelined (not awaited one by one) pg 1.4 s / 0.71 s (queued; deprecated, gone in pg 9)
 *                                        pg `pipeline: true` 0.89 s / 0.34 s
 *                                        postgres 1.1 s / 0.62 s
 *   10k point SELECTs by primary key:
 *     one at a time                      pg 1.9 s / 1.14 s      postgres 2.0 s / 1.18 s
 *     10 at a time over a pool of 10     pg 1.8 s / 1.22 s (pipeline mode 1.75 s / 1.14 s)
 *                                        postgres 1.5 s / 0.91 s
 *
 * Why `postgres`, although pg's pipeline mode is cheaper on pipelined inserts: that mode is new
 * (pg 8.23.0, August 2026), and the group commit leans on exactly its least-tried part, a
 * statement failing in the middle of a pipelined transaction (our side of that is pinned down by
 * test/adapters/postgres-group-commit.test.ts); postgres.js has pipelined every connection for
 * years. Concurrent point reads (station logins, token lookups, the API), the other half of the
 * load, cost ~25% less CPU with postgres; it prepares every statement by itself (pg only those
 * given a name by hand, as in this benchmark); ESM with its own types. Measured through this
 * store on the same machine: 10k createStation at once 1.6–2.9 s in 40 commits, 10k recordSeen
 * in bursts of 100 ~0.8 s, 10k getStation 10 at a time ~1.1 s, 1k 2.x transaction events
 * (a read-fold-write each) ~1 s in 10 commits.
 *
 * Layout mirrors the SQLite and MongoDB adapters: one file per slice (postgres-stations,
 * -api-keys, -message-log, -transactions, -tokens, -device-model, -requests), migrations in
 * postgres-migrations.ts (applied at open under an advisory lock), and the async group commit in
 * postgres-group-commit.ts. A write's promise resolves only after its transaction's COMMIT, which
 * with the server's default synchronous_commit=on means after the WAL is flushed.
 */
import type { CampaignStore } from '../../core/ports/store/campaign-store.js';
import type { SiteStore } from '../../core/ports/store/site-store.js';
import type { UploadStore } from '../../core/ports/store/upload-store.js';
import { PostgresOcpi } from './postgres-ocpi.js';
import type { OcpiStore } from '../../core/ports/store/ocpi-store.js';
import { PostgresCampaigns } from './postgres-campaigns.js';
import { PostgresSites } from './postgres-sites.js';
import { PostgresUploads } from './postgres-uploads.js';
import { PostgresCertificates } from './postgres-certificates.js';
import type { CertificateStore } from '../../core/ports/store/certificate-store.js';
import { PostgresTariffs } from './postgres-tariffs.js';
import type { TariffStore } from '../../core/ports/store/tariff-store.js';
import postgres, { type Sql } from 'postgres';
import type { ApiKeyStore } from '../../core/ports/store/api-key-store.js';
import type { MessageLogStore } from '../../core/ports/store/message-log-store.js';
import { PostgresApiKeys } from './postgres-api-keys.js';
import { PostgresUsers } from './postgres-users.js';
import type { UserStore } from '../../core/ports/store/user-store.js';
import { PostgresDeviceModel } from './postgres-device-model.js';
import { PostgresStationEvents } from './postgres-station-events.js';
import { PgGroupCommit } from './postgres-group-commit.js';
import { renewablePool, type RenewablePool } from './postgres-pool.js';
import { PostgresMessageLog } from './postgres-message-log.js';
import { PostgresRequests } from './postgres-requests.js';
import { migrate } from './postgres-migrations.js';
import { PostgresOutbox } from './postgres-outbox.js';
import { PostgresConfigTemplates } from './postgres-config-templates.js';
import type { ConfigTemplateStore } from '../../core/ports/store/config-template-store.js';
import type { OutboxStore } from '../../core/ports/store/outbox-store.js';
import { PostgresStations } from './postgres-stations.js';
import { PostgresTokens } from './postgres-tokens.js';
import { PostgresTransactions } from './postgres-transactions.js';
import type { DeviceModelStore } from '../../core/ports/store/device-model-store.js';
import type { RequestStore } from '../../core/ports/store/request-store.js';
import type { StationEventStore } from '../../core/ports/store/station-event-store.js';
import type { ChargingProfileStore } from '../../core/ports/store/charging-profile-store.js';
import { PostgresChargingProfiles } from './postgres-charging-profiles.js';
import type { ReservationStore } from '../../core/ports/store/reservation-store.js';
import type { DisplayMessageStore } from '../../core/ports/store/display-message-store.js';
import { PostgresReservations } from './postgres-reservations.js';
import { PostgresDisplayMessages } from './postgres-display-messages.js';
import type { StationStore, Store } from '../../core/ports/store/store.js';
import type { TokenStore } from '../../core/ports/store/token-store.js';
import type { TransactionStore } from '../../core/ports/store/transaction-store.js';
import type { SessionRules } from '../../core/config.js';

export interface PostgresStoreOptions {
  /** postgres://user:pass@host:port/db; unset: the standard PG* variables (PGHOST, PGDATABASE, …). */
  url?: string;
  /** Pooled connections (CSMS_PG_POOL, default 10): one runs the group commit at a time, the rest serve reads. */
  poolSize?: number;
  /** Group commit pacing (see PgGroupCommit): least ms between commits, writes that force one. */
  commitIntervalMs?: number;
  commitMaxWrites?: number;
  onCommit?: (writes: number, ms: number) => void;
  /** Session rules the transaction fold applies (core/config.ts SessionRules); absent: defaults. */
  sessions?: Partial<SessionRules>;
}

/** bigint columns (identity seq, 1.6 transaction ids) come back as numbers: all stay below 2^53. */
const INT8_AS_NUMBER = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private readonly writer: PgGroupCommit;
  readonly stations: StationStore;
  readonly apiKeys: ApiKeyStore;
  readonly users: UserStore;
  readonly messageLog: MessageLogStore;
  readonly outbox: OutboxStore;
  readonly configTemplates: ConfigTemplateStore;
  readonly ocpi: OcpiStore;
  readonly transactions: TransactionStore;
  readonly tokens: TokenStore;
  readonly deviceModel: DeviceModelStore;
  readonly requests: RequestStore;
  readonly stationEvents: StationEventStore;
  readonly chargingProfiles: ChargingProfileStore;
  readonly reservations: ReservationStore;
  readonly displayMessages: DisplayMessageStore;
  /** Firmware campaigns (core/firmware-campaign.ts). */
  readonly campaigns: CampaignStore;
  /** Sites for load management (core/sites.ts). */
  readonly sites: SiteStore;
  /** Upload slots of the built-in upload target. */
  readonly uploads: UploadStore;
  readonly certificates: CertificateStore;
  readonly tariffs: TariffStore;
  private closed = false;

  /** Stable handle to the current pool (see postgres-pool.ts). */
  readonly sql: Sql;

  private constructor(
    private readonly pool: RenewablePool,
    options: PostgresStoreOptions,
  ) {
    const sql = pool.sql;
    this.sql = sql;
    this.writer = new PgGroupCommit(sql, {
      intervalMs: options.commitIntervalMs,
      maxBatch: options.commitMaxWrites,
      onCommit: options.onCommit,
      // The server or the connection went away: retire the pool, whose state postgres.js may not recover.
      onConnectionLost: (generation) => pool.renew(generation),
      poolGeneration: () => pool.generation,
    });
    const outbox = new PostgresOutbox(sql, this.writer);
    this.stations = new PostgresStations(sql, this.writer, outbox);
    this.apiKeys = new PostgresApiKeys(sql, this.writer);
    this.users = new PostgresUsers(sql, this.writer);
    this.messageLog = new PostgresMessageLog(sql, this.writer);
    const tariffs = new PostgresTariffs(sql, this.writer);
    this.transactions = new PostgresTransactions(sql, this.writer, options.sessions, tariffs, outbox);
    this.tokens = new PostgresTokens(sql, this.writer);
    this.deviceModel = new PostgresDeviceModel(sql, this.writer);
    this.stationEvents = new PostgresStationEvents(sql, this.writer);
    this.chargingProfiles = new PostgresChargingProfiles(sql, this.writer);
    this.reservations = new PostgresReservations(sql, this.writer);
    this.displayMessages = new PostgresDisplayMessages(sql, this.writer);
    this.requests = new PostgresRequests(sql, this.writer);
    this.outbox = outbox;
    this.configTemplates = new PostgresConfigTemplates(sql, this.writer);
    this.ocpi = new PostgresOcpi(sql, this.writer);
    this.campaigns = new PostgresCampaigns(sql, this.writer);
    this.sites = new PostgresSites(sql, this.writer);
    this.uploads = new PostgresUploads(sql, this.writer);
    this.certificates = new PostgresCertificates(sql, this.writer);
    this.tariffs = tariffs;
  }

  /** Connects (lazily, per pooled connection) and brings the schema up to date before returning. */
  static async open(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const settings: postgres.Options<Record<string, postgres.PostgresType>> = {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      types: { int8: INT8_AS_NUMBER },
      transform: { undefined: null },
      connection: { application_name: 'switchyard' },
    };
    const pool = renewablePool(() => (options.url ? postgres(options.url, settings) : postgres(settings)) as unknown as Sql);
    try {
      await migrate(pool.sql);
    } catch (error) {
      await pool.end({ timeout: 1 }).catch(() => {});
      throw error;
    }
    return new PostgresStore(pool, options);
  }

  /** Told after every group commit: undefined when it committed, else why the whole batch failed. */
  set onCommitOutcome(hook: ((fault: unknown) => void) | undefined) {
    this.writer.onCommitOutcome = hook;
  }

  flush(): Promise<void> {
    return this.writer.drain();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer.drain();
    await this.pool.end({ timeout: 5 });
  }
}
