import { availableParallelism } from 'node:os';
import { loadControlPlaneConfig, type ControlPlaneConfig } from './control-plane-config.js';
import { DEFAULT_MAX_ENERGY_STEP_WH } from './energy.js';
import { loadPlugAndChargeConfig, type PlugAndChargeConfig } from './plug-and-charge-config.js';
import { loadSecurityConfig, type SecurityConfig } from './security-config.js';
import { loadCertificateConfig, type CertificateConfig } from './certificate-config.js';

/** Node configuration, read from environment variables once at start-up. */
export interface CsmsConfig {
  ocppPort: number;
  apiPort: number;
  host: string;
  dataDir: string;
  workers: number;
  /**
   * CSMS_WORKER_YOUNG_GEN_MB: V8 young generation of each gateway and handler thread (the threads
   * that allocate per OCPP message); 0 = V8's default sizing. The main thread keeps the small one
   * `npm start` gives it (see workers/hot-path-heap.ts).
   */
  workerYoungGenerationMb: number;
  allowUnknownStations: boolean;
  heartbeatIntervalSec: number;
  callTimeoutSec: number;
  /** CSMS_RESERVATION_SWEEP_SEC: how often this node closes reservations past their expiry (0: never; see docs). */
  reservationSweepSec: number;
  /** CSMS_COST_UPDATE_INTERVAL_SEC: how often running costs are recomputed and sent to 2.x stations as CostUpdated (0: never). */
  costUpdateIntervalSec: number;
  maxFrameBytes: number;
  /** Path prefix under which the last segment is the station id (besides the fixed /ocpp/). */
  ocppPathPrefix: string;
  /** Seconds without any traffic (pings count) before a socket is closed. */
  wsIdleTimeoutSec: number;
  /** Bytes queued for a slow station before its socket is closed. */
  maxBackpressureBytes: number;
  /** scrypt cost parameter N for new station password hashes. */
  scryptCost: number;
  logLevel: string;
  /** Id tokens the store does not know: 'reject' (default) or 'accept-all' (labs; records them). */
  unknownTokens: 'reject' | 'accept-all';
  /** CSMS_VENDOR_EXTENSIONS: ESM modules (comma-separated paths) whose default export registers inbound DataTransfer handlers. */
  vendorExtensions: string[];
  /** Store adapter: embedded SQLite (default), MongoDB at `mongodbUrl`, or PostgreSQL at `databaseUrl`. */
  store: 'sqlite' | 'mongodb' | 'postgres';
  mongodbUrl: string | undefined;
  /** DATABASE_URL for CSMS_STORE=postgres; unset: the standard PG* variables (PGHOST, PGDATABASE, …). */
  databaseUrl: string | undefined;
  /** CSMS_PG_POOL: pooled PostgreSQL connections per store (each node opens two stores: handler thread and API). */
  pgPoolSize: number;
  /** Group commit pacing and durability of the store the handler thread writes. */
  storage: StorageConfig;
  /** API keys, message log, NATS, node role (see core/control-plane-config.ts). */
  controlPlane: ControlPlaneConfig;
  /** Rules for billing-grade sessions, applied where transactions are folded (the store). */
  sessions: SessionRules;
  /** TLS listener (security profiles 2, 3) and failed-login throttling (core/security-config.ts). */
  security: SecurityConfig;
  /** ISO 15118 Plug & Charge: OCSP cache, trusted CAs, contract-certificate provider (core/plug-and-charge-config.ts). */
  plugAndCharge: PlugAndChargeConfig;
  /** The built-in upload target for GetLog / GetDiagnostics (`PUT|POST /uploads/{token}` on the API port). */
  uploads: UploadsConfig;
  /** CSMS_CAMPAIGN_TICK_MS: how often the firmware-campaign driver looks at running campaigns (it also wakes on events). */
  campaignTickMs: number;
  /** CSMS_SITE_DEBOUNCE_MS: events of one site within this window make one allocation (site load management). */
  siteDebounceMs: number;
  /** Station certificate authority, CSR checks and renewal (core/certificate-config.ts). */
  certificates: CertificateConfig;
  /** What station messages may keep and for how long (issue #12). */
  stationData: StationDataConfig;
}

export interface StationDataConfig {
  /**
   * CSMS_STATUS_HISTORY_RETENTION_DAYS: connector status history older than this is pruned (hourly,
   * with the upload sweep), keeping each connector's last change before the cutoff so availability
   * over the retained period stays exact; default 400 (a year of uptime and some); 0 keeps it all.
   */
  statusHistoryRetentionDays: number;
  /**
   * CSMS_REPORT_TIMEOUT_SEC: a paged report (NotifyReport, NotifyMonitoringReport,
   * ReportChargingProfiles, NotifyDisplayMessages, NotifyCustomerInformation) that stops before its
   * last part is closed `failed` this long after its last message, with a reason; the parts
   * received stay. Default 600.
   */
  reportTimeoutSec: number;
  /**
   * CSMS_EVENT_RATE / CSMS_EVENT_BURST: NotifyEvent eventData stored per station and second
   * (token bucket refill) and the bucket's size. Beyond them events are still answered, counted
   * and summarised (one record per storm) instead of stored one by one. Defaults 20 / 200.
   */
  eventRatePerSec: number;
  eventBurst: number;
}

export interface SessionRules {
  /**
   * CSMS_MAX_ENERGY_STEP_WH: the largest energy-register rise between two readings believed
   * without a look (default 1 MWh); a larger one flags the transaction `implausible-energy-step`.
   */
  maxEnergyStepWh: number;
  /**
   * CSMS_STALE_TRANSACTION_HOURS: an active transaction with no message for this long is closed by
   * the CSMS, flagged `closed-after-timeout` (decimals allowed; 0, the default, never closes one).
   */
  staleTransactionHours: number;
}

export interface UploadsConfig {
  /**
   * CSMS_UPLOAD_BASE_URL: the API's address as stations reach it; the upload URL sent to a station
   * is `<base>/uploads/<token>`. Default `http://<CSMS_HOST, or 127.0.0.1 for 0.0.0.0>:<CSMS_API_PORT>`.
   */
  baseUrl: string;
  /** CSMS_UPLOAD_MAX_BYTES: larger uploads are refused with 413 and nothing is kept (default 50 MiB). */
  maxBytes: number;
  /** CSMS_UPLOAD_RETENTION_DAYS: uploaded files are deleted this long after their upload (default 30). */
  retentionDays: number;
  /** CSMS_UPLOAD_TOKEN_HOURS: how long an upload URL stays valid (default 24). */
  tokenHours: number;
}

export interface StorageConfig {
  /** CSMS_COMMIT_INTERVAL_MS: least time between two commits; a commit waits at most this long. */
  commitIntervalMs: number;
  /** CSMS_COMMIT_MAX_WRITES: writes waiting that force a commit at once. */
  commitMaxWrites: number;
  /** CSMS_SQLITE_SYNCHRONOUS: NORMAL survives a crash of the process; FULL also power loss (+~29% CPU). */
  synchronous: 'NORMAL' | 'FULL';
  /**
   * CSMS_ASYNC_FLUSH_MS: messages the gateway answered itself (heartbeat, status, telemetry) and
   * logged frames reach the handler thread within this many ms, in one batch per gateway.
   */
  asyncFlushMs: number;
  /**
   * CSMS_MESSAGE_LOG_DURABILITY. The frames of exchanges answered after their data's commit (boot,
   * authorization, transactions, every awaited call) are always committed before the CALLRESULT.
   * For the messages the gateway answers itself (Heartbeat, StatusNotification, MeterValues
   * outside a transaction) and the CSMS's own frames:
   * `journal` (default) — appended to the gateway thread's frame journal (workers/frame-journal.ts)
   * before the answer and committed within CSMS_ASYNC_FLUSH_MS; after a kill -9 the next start
   * replays the journal, so every frame that got a CALLRESULT is in the log.
   * `data` — no journal: those frames follow within CSMS_ASYNC_FLUSH_MS and a kill -9 loses them.
   * `all` — the answers wait for their frame's commit (measured: steady CPU 202 → 359 µs per
   * message, max-throughput knee 16k → 4k msg/s, bench/RESULTS.md).
   */
  messageLogDurability: 'journal' | 'data' | 'all';
  /** CSMS_LAST_SEEN_FLUSH_SEC: last-seen times are kept in memory and written in bulk this often. */
  lastSeenFlushSec: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+(\.\d+)?$/.test(raw.trim())) throw new ConfigError(`${name} must be a number, got '${raw}'`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${env[name]}'`);
}

export function oneOf(env: Env, name: string, fallback: string, allowed: readonly string[]): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got '${raw}'`);
  return raw;
}

function powerOfTwo(env: Env, name: string, fallback: number): number {
  const value = integer(env, name, fallback, 2, 1 << 20);
  if ((value & (value - 1)) !== 0) throw new ConfigError(`${name} must be a power of two, got ${value}`);
  return value;
}

export function loadConfig(env: Env = process.env): CsmsConfig {
  const prefix = env.CSMS_OCPP_PATH_PREFIX?.trim() || '/ocpp';
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(prefix)) {
    throw new ConfigError(`CSMS_OCPP_PATH_PREFIX must be a URL path starting with '/', got '${prefix}'`);
  }
  const config: CsmsConfig = {
    ocppPort: integer(env, 'CSMS_OCPP_PORT', 8080, 1, 65535),
    apiPort: integer(env, 'CSMS_API_PORT', 8081, 1, 65535),
    host: env.CSMS_HOST?.trim() || '0.0.0.0',
    dataDir: env.CSMS_DATA_DIR?.trim() || './data',
    workers: integer(env, 'CSMS_WORKERS', availableParallelism(), 1, 256),
    workerYoungGenerationMb: integer(env, 'CSMS_WORKER_YOUNG_GEN_MB', 0, 0, 1024),
    allowUnknownStations: boolean(env, 'CSMS_ALLOW_UNKNOWN_STATIONS', false),
    heartbeatIntervalSec: integer(env, 'CSMS_HEARTBEAT_INTERVAL', 300, 1, 86400),
    callTimeoutSec: integer(env, 'CSMS_CALL_TIMEOUT', 30, 1, 3600),
    reservationSweepSec: integer(env, 'CSMS_RESERVATION_SWEEP_SEC', 10, 0, 86400),
    costUpdateIntervalSec: integer(env, 'CSMS_COST_UPDATE_INTERVAL_SEC', 300, 0, 86400),
    maxFrameBytes: integer(env, 'CSMS_MAX_FRAME_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    ocppPathPrefix: prefix.replace(/\/+$/, '') || '/ocpp',
    wsIdleTimeoutSec: integer(env, 'CSMS_WS_IDLE_TIMEOUT', 120, 8, 3600),
    maxBackpressureBytes: integer(env, 'CSMS_MAX_BACKPRESSURE_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    scryptCost: powerOfTwo(env, 'CSMS_SCRYPT_COST', 16384),
    logLevel: oneOf(env, 'CSMS_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    controlPlane: loadControlPlaneConfig(env),
    security: loadSecurityConfig(env, integer(env, 'CSMS_OCPP_PORT', 8080, 1, 65535)),
    plugAndCharge: loadPlugAndChargeConfig(env),
    unknownTokens: oneOf(env, 'CSMS_UNKNOWN_TOKENS', 'reject', ['reject', 'accept-all']) as CsmsConfig['unknownTokens'],
    sessions: {
      maxEnergyStepWh: integer(env, 'CSMS_MAX_ENERGY_STEP_WH', DEFAULT_MAX_ENERGY_STEP_WH, 1, 1_000_000_000_000),
      staleTransactionHours: decimal(env, 'CSMS_STALE_TRANSACTION_HOURS', 0, 0, 24 * 365),
    },
    vendorExtensions: (env.CSMS_VENDOR_EXTENSIONS ?? '').split(',').map((p) => p.trim()).filter((p) => p.length > 0),
    store: oneOf(env, 'CSMS_STORE', 'sqlite', ['sqlite', 'mongodb', 'postgres']) as CsmsConfig['store'],
    mongodbUrl: env.MONGODB_URL?.trim() || undefined,
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
    pgPoolSize: integer(env, 'CSMS_PG_POOL', 10, 1, 1000),
    uploads: {
      baseUrl: (env.CSMS_UPLOAD_BASE_URL?.trim() || '').replace(/\/+$/, ''),
      maxBytes: integer(env, 'CSMS_UPLOAD_MAX_BYTES', 50 * 1024 * 1024, 1, 4 * 1024 * 1024 * 1024),
      retentionDays: integer(env, 'CSMS_UPLOAD_RETENTION_DAYS', 30, 1, 3650),
      tokenHours: integer(env, 'CSMS_UPLOAD_TOKEN_HOURS', 24, 1, 24 * 365),
    },
    campaignTickMs: integer(env, 'CSMS_CAMPAIGN_TICK_MS', 2000, 10, 3_600_000),
    certificates: loadCertificateConfig(env),
    stationData: {
      statusHistoryRetentionDays: integer(env, 'CSMS_STATUS_HISTORY_RETENTION_DAYS', 400, 0, 36_500),
      reportTimeoutSec: integer(env, 'CSMS_REPORT_TIMEOUT_SEC', 600, 1, 7 * 86_400),
      eventRatePerSec: decimal(env, 'CSMS_EVENT_RATE', 20, 0.001, 1_000_000),
      eventBurst: integer(env, 'CSMS_EVENT_BURST', 200, 1, 1_000_000),
    },
    siteDebounceMs: integer(env, 'CSMS_SITE_DEBOUNCE_MS', 50, 0, 60_000),
    storage: {
      commitIntervalMs: integer(env, 'CSMS_COMMIT_INTERVAL_MS', 2, 0, 1000),
      commitMaxWrites: integer(env, 'CSMS_COMMIT_MAX_WRITES', 256, 1, 100_000),
      synchronous: oneOf(env, 'CSMS_SQLITE_SYNCHRONOUS', 'NORMAL', ['NORMAL', 'FULL']) as StorageConfig['synchronous'],
      lastSeenFlushSec: integer(env, 'CSMS_LAST_SEEN_FLUSH_SEC', 5, 1, 3600),
      asyncFlushMs: integer(env, 'CSMS_ASYNC_FLUSH_MS', 50, 1, 1000),
      messageLogDurability: oneOf(env, 'CSMS_MESSAGE_LOG_DURABILITY', 'journal', ['journal', 'data', 'all']) as StorageConfig['messageLogDurability'],
    },
  };
  if (config.store === 'mongodb' && !config.mongodbUrl) {
    throw new ConfigError('CSMS_STORE=mongodb needs MONGODB_URL (e.g. mongodb://localhost:27017/switchyard)');
  }
  if (config.controlPlane.natsUrl && config.store === 'sqlite' && !config.controlPlane.independentNodes) {
    throw new ConfigError(
      'NATS_URL is set but CSMS_STORE=sqlite keeps a store on each node: stations, tokens, API keys and transactions ' +
        'registered on one node would be unknown to the others. For a cluster set CSMS_STORE=postgres and DATABASE_URL ' +
        '(one database for every node); to run nodes that deliberately share only events and commands, set CSMS_INDEPENDENT_NODES=true',
    );
  }
  if (!config.uploads.baseUrl) {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    config.uploads.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${config.apiPort}`;
  } else if (!/^https?:\/\/[^/]+/.test(config.uploads.baseUrl)) {
    throw new ConfigError(`CSMS_UPLOAD_BASE_URL must be an http(s) URL, got '${config.uploads.baseUrl}'`);
  }
  if (config.ocppPort === config.apiPort) {
    throw new ConfigError(`CSMS_OCPP_PORT and CSMS_API_PORT must differ (both ${config.ocppPort})`);
  }
  return config;
}
