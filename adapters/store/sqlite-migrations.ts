import type { Database } from 'better-sqlite3';
import { SQLITE_OUTBOX_TABLE } from './sqlite-outbox.js';
import { SQLITE_OCPI_TABLES } from './sqlite-ocpi.js';
import { SQLITE_CONFIG_TEMPLATES_TABLE } from './sqlite-config-templates.js';
import { SQLITE_CERTIFICATES_TABLES } from './sqlite-certificates.js';
import { SQLITE_TARIFF_TABLES } from './sqlite-tariffs.js';
import { STATION_SEARCH_INDEXES } from './station-search-sql.js';

/**
 * Schema migrations, applied in order and tracked in SQLite's user_version.
 * Append new steps; never edit a released one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE stations (
     id TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     password_hash TEXT,
     vendor TEXT, model TEXT, serial_number TEXT, firmware_version TEXT, iccid TEXT, imsi TEXT,
     protocol TEXT, boot_reason TEXT, last_boot_at TEXT, last_seen_at TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX stations_by_tenant ON stations (tenant_id, id);
   CREATE TABLE connector_statuses (
     station_id TEXT NOT NULL,
     evse_id INTEGER NOT NULL,
     connector_id INTEGER NOT NULL,
     tenant_id TEXT NOT NULL,
     status TEXT NOT NULL, detailed_status TEXT, error_code TEXT, info TEXT, vendor_error_code TEXT,
     reported_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (station_id, evse_id, connector_id)
   ) WITHOUT ROWID;`,
  // Control plane (issue 6): hashed API keys, and the per-station OCPP message log.
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     key_hash TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,
     tenant_id TEXT,
     name TEXT, prefix TEXT NOT NULL,
     created_at TEXT NOT NULL, revoked_at TEXT
   );
   CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
   CREATE TABLE message_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     direction TEXT NOT NULL,
     message_type INTEGER NOT NULL,
     message_id TEXT NOT NULL,
     action TEXT,
     payload TEXT NOT NULL,
     at TEXT NOT NULL
   );
   CREATE INDEX message_log_by_station ON message_log (station_id, seq);
   CREATE INDEX message_log_by_time ON message_log (at);`,
  // Charging sessions (issue 5): transactions with their events and meter values, id tokens, local lists.
  `CREATE TABLE transactions (
     station_id TEXT NOT NULL,
     id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     ocpp_transaction_id INTEGER,
     start_key TEXT,
     protocol TEXT NOT NULL,
     evse_id INTEGER, connector_id INTEGER,
     id_token TEXT, id_token_type TEXT,
     is_active INTEGER NOT NULL,
     charging_state TEXT,
     time_spent_charging_sec INTEGER NOT NULL,
     total_kwh REAL NOT NULL,
     stopped_reason TEXT,
     remote_start_id INTEGER,
     operation_mode TEXT, tariff_id TEXT,
     started_at TEXT NOT NULL, ended_at TEXT,
     meter_start_wh REAL, meter_stop_wh REAL,
     last_seq_no INTEGER,
     flags TEXT NOT NULL,
     fold TEXT NOT NULL,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (station_id, id)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX transactions_by_start_key ON transactions (station_id, start_key) WHERE start_key IS NOT NULL;
   CREATE INDEX transactions_by_tenant_id ON transactions (tenant_id, id);
   CREATE INDEX transactions_by_station_started ON transactions (station_id, started_at, id);
   CREATE INDEX transactions_active_by_evse ON transactions (station_id, evse_id, started_at) WHERE is_active = 1;
   CREATE INDEX transactions_by_tenant_started ON transactions (tenant_id, started_at, station_id, id);
   CREATE INDEX transactions_by_tenant_updated ON transactions (tenant_id, updated_at, station_id, id);
   CREATE INDEX transactions_active ON transactions (tenant_id, is_active, updated_at);
   CREATE INDEX transactions_by_token ON transactions (tenant_id, id_token);
   CREATE INDEX transactions_by_remote_start ON transactions (tenant_id, remote_start_id) WHERE remote_start_id IS NOT NULL;
   CREATE TABLE transaction_events (
     station_id TEXT NOT NULL,
     transaction_id TEXT NOT NULL,
     dedup_key TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     event TEXT NOT NULL,
     received_at TEXT NOT NULL,
     PRIMARY KEY (station_id, transaction_id, dedup_key)
   ) WITHOUT ROWID;
   CREATE TABLE meter_values (
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     transaction_id TEXT,
     evse_id INTEGER,
     ts TEXT NOT NULL,
     measurand TEXT NOT NULL, phase TEXT, location TEXT, context TEXT,
     value REAL NOT NULL, unit TEXT, multiplier INTEGER NOT NULL
   );
   CREATE INDEX meter_values_by_transaction ON meter_values (station_id, transaction_id, ts);
   CREATE INDEX meter_values_by_time ON meter_values (tenant_id, ts);
   CREATE TABLE remote_starts (
     id INTEGER PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     id_token TEXT NOT NULL,
     evse_id INTEGER,
     transaction_id TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX remote_starts_pending ON remote_starts (station_id, id_token, created_at) WHERE transaction_id IS NULL;
   CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE id_tokens (
     tenant_id TEXT NOT NULL,
     id_token TEXT NOT NULL,
     type TEXT NOT NULL,
     status TEXT NOT NULL,
     expires_at TEXT, group_id TEXT,
     source TEXT NOT NULL,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (tenant_id, id_token)
   ) WITHOUT ROWID;
   CREATE TABLE local_lists (
     station_id TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     entries TEXT NOT NULL,
     updated_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE device_model (
     station_id TEXT NOT NULL,
     key TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     component_name TEXT NOT NULL,
     entry TEXT NOT NULL,
     reported_at TEXT NOT NULL,
     PRIMARY KEY (station_id, key)
   ) WITHOUT ROWID;
   CREATE INDEX device_model_by_component ON device_model (station_id, component_name, key);`,
  // Hot-path cost (issue 9): each secondary index is a B-tree insert per row, ~12 µs per message
  // for these two, and nothing queries them. Age-based message-log retention finds its cut-off
  // by binary search over seq (insertion order ≈ time order) instead.
  `DROP INDEX message_log_by_time;
   DROP INDEX meter_values_by_time;`,
  // Multi-message flows (issue 9): requests completed by later notifications, by station and
  // requestId (core/requests.ts); requestIds come from a per-station row of `sequences`.
  `CREATE TABLE station_requests (
     station_id TEXT NOT NULL,
     request_id INTEGER NOT NULL,
     tenant_id TEXT NOT NULL,
     action TEXT NOT NULL,
     status TEXT NOT NULL,
     answer TEXT,
     parts INTEGER NOT NULL,
     last_seq_no INTEGER, final_seq_no INTEGER,
     seq_nos TEXT NOT NULL,
     progress TEXT, result TEXT, error TEXT,
     expires_at TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
     PRIMARY KEY (station_id, request_id)
   ) WITHOUT ROWID;
   CREATE INDEX station_requests_by_created ON station_requests (station_id, created_at, request_id);`,
  // Station messages (issue 12): security events, NotifyEvent, firmware/diagnostics/log statuses,
  // report pages, DataTransfer (core/station-events.ts); append-only, read newest first per
  // station, by kind or by request.
  `CREATE TABLE station_events (
     id INTEGER PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     kind TEXT NOT NULL,
     type TEXT NOT NULL,
     at TEXT NOT NULL,
     received_at TEXT NOT NULL,
     request_id INTEGER,
     payload TEXT NOT NULL
   );
   CREATE INDEX station_events_by_station ON station_events (station_id, id);
   CREATE INDEX station_events_by_kind ON station_events (station_id, kind, id);`,
  // Boot policy (issue 12): NULLs mean Accepted and the CSMS's heartbeat interval.
  `ALTER TABLE stations ADD COLUMN registration_status TEXT;
   ALTER TABLE stations ADD COLUMN heartbeat_interval_sec INTEGER;`,
  // Alerts (issue 12): station events of kind 'alert', listed tenant-wide; partial, so other events pay nothing.
  `CREATE INDEX station_events_alerts ON station_events (tenant_id, id) WHERE kind = 'alert';`,
  // Smart charging (issue 13): the profiles the CSMS set (and the station accepted) and the ones
  // the station reported, per station; a profile id is unique per station and source.
  `CREATE TABLE charging_profiles (
     station_id TEXT NOT NULL,
     source TEXT NOT NULL,
     profile_id INTEGER NOT NULL,
     tenant_id TEXT NOT NULL,
     evse_id INTEGER NOT NULL,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (station_id, source, profile_id)
   ) WITHOUT ROWID;`,
  // the durable event outbox (sqlite-outbox.ts)
  SQLITE_OUTBOX_TABLE,
  // configuration templates (issue 12; sqlite-config-templates.ts)
  SQLITE_CONFIG_TEMPLATES_TABLE,
  // Reservations (issue 13, block H): the record is the JSON body; ids per tenant from reservation_ids
  // (a counter that never goes back); the sweep finds open reservations by expiry over a partial index.
  `CREATE TABLE reservations (
     tenant_id TEXT NOT NULL,
     reservation_id INTEGER NOT NULL,
     station_id TEXT NOT NULL,
     status TEXT NOT NULL,
     id_token TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (tenant_id, reservation_id)
   ) WITHOUT ROWID;
   CREATE INDEX reservations_by_station ON reservations (tenant_id, station_id, reservation_id);
   CREATE INDEX reservations_open_by_expiry ON reservations (expires_at) WHERE status IN ('created', 'accepted');
   CREATE TABLE reservation_ids (
     tenant_id TEXT PRIMARY KEY,
     last_id INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // Display messages (issue 13, block O): what the CSMS set and what each station reports.
  `CREATE TABLE display_messages (
     station_id TEXT NOT NULL,
     source TEXT NOT NULL,
     message_id INTEGER NOT NULL,
     tenant_id TEXT NOT NULL,
     transaction_id TEXT,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (station_id, source, message_id)
   ) WITHOUT ROWID;
   CREATE INDEX display_messages_by_transaction ON display_messages (tenant_id, transaction_id) WHERE transaction_id IS NOT NULL;`,
  // Billing-grade sessions (issue 12). 1.6 transaction ids: every id issued, or reported by a
  // station, is claimed here once, so no id is handed out twice and a station-reported id needs
  // not raise the counter (which stays within int32, the wire type, and wraps).
  `CREATE TABLE ocpp16_transaction_ids (id INTEGER PRIMARY KEY);
   INSERT OR IGNORE INTO ocpp16_transaction_ids (id)
     SELECT ocpp_transaction_id FROM transactions WHERE ocpp_transaction_id IS NOT NULL;
   -- Id tokens as the specs compare them (case-insensitive), and per-token ConcurrentTx allowance.
   CREATE INDEX id_tokens_nocase ON id_tokens (tenant_id, id_token COLLATE NOCASE);
   ALTER TABLE id_tokens ADD COLUMN allow_concurrent_tx INTEGER NOT NULL DEFAULT 0;
   DROP INDEX transactions_by_token;
   CREATE INDEX transactions_by_token ON transactions (tenant_id, id_token COLLATE NOCASE);
   -- Connector status history: one row per StatusNotification, appended in the status's own write.
   CREATE TABLE connector_status_history (
     id INTEGER PRIMARY KEY,
     station_id TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     evse_id INTEGER NOT NULL,
     connector_id INTEGER NOT NULL,
     status TEXT NOT NULL, detailed_status TEXT, error_code TEXT, info TEXT, vendor_error_code TEXT,
     reported_at TEXT NOT NULL
   );
   CREATE INDEX connector_status_history_by_time ON connector_status_history (station_id, reported_at);
   -- Alerts as open/cleared states (core/alerts.ts), per station and subject.
   CREATE TABLE alert_states (
     station_id TEXT NOT NULL,
     alert_key TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     source TEXT NOT NULL, type TEXT NOT NULL, evse_id INTEGER, connector_id INTEGER,
     state TEXT NOT NULL, opened_at TEXT NOT NULL, cleared_at TEXT, last_at TEXT NOT NULL,
     count INTEGER NOT NULL, payload TEXT NOT NULL,
     PRIMARY KEY (station_id, alert_key)
   ) WITHOUT ROWID;
   CREATE INDEX alert_states_by_tenant ON alert_states (tenant_id, last_at, station_id, alert_key);
   -- What a 1.6 StatusNotification's clearing update probes: usually nothing (no open alert).
   CREATE INDEX alert_states_open_connectors ON alert_states (station_id, evse_id, connector_id)
     WHERE state = 'open' AND source = 'connector-status';
   -- Signed meter values (1.6 SignedData, 2.x signedMeterValue) beside the value they sign, as JSON.
   ALTER TABLE meter_values ADD COLUMN signed_meter_value TEXT;
   -- Transaction record: reservation, newest triggerReason, every id token it was sent with (JSON).
   ALTER TABLE transactions ADD COLUMN reservation_id INTEGER;
   ALTER TABLE transactions ADD COLUMN trigger_reason TEXT;
   ALTER TABLE transactions ADD COLUMN id_tokens TEXT;`,
  // Station security (issue 14): security profile 1-3; the password before a rotation, accepted
  // until the station's first login with the new one; when the password was last rotated.
  `ALTER TABLE stations ADD COLUMN security_profile INTEGER NOT NULL DEFAULT 1;
   ALTER TABLE stations ADD COLUMN previous_password_hash TEXT;
   ALTER TABLE stations ADD COLUMN password_rotated_at TEXT;`,
  // Firmware campaigns (issue 12): one row each, stations' progress in the JSON body; the driver
  // reads the active ones of every tenant (sqlite-campaigns.ts).
  `CREATE TABLE firmware_campaigns (
     id TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     status TEXT NOT NULL,
     active INTEGER NOT NULL,
     version INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX firmware_campaigns_by_tenant ON firmware_campaigns (tenant_id, created_at, id);
   CREATE INDEX firmware_campaigns_active ON firmware_campaigns (created_at, id) WHERE active = 1;
   CREATE TABLE upload_slots (
     token_hash TEXT PRIMARY KEY,
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     request_id INTEGER,
     action TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     created_at TEXT NOT NULL,
     claimed_at TEXT,
     file_name TEXT, size INTEGER, stored_as TEXT, uploaded_at TEXT
   ) WITHOUT ROWID;
   CREATE INDEX upload_slots_by_request ON upload_slots (station_id, request_id, created_at);`,
  // Operator UI (issue 15): people with roles, their sessions (only the token's hash) and the
  // audit log of commands they sent (sqlite-users.ts).
  `CREATE TABLE users (
     id TEXT PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL,
     tenant_id TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     disabled_at TEXT
   );
   CREATE INDEX users_by_tenant ON users (tenant_id, username);
   CREATE TABLE user_sessions (
     token_hash TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX user_sessions_by_user ON user_sessions (user_id);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     tenant_id TEXT NOT NULL,
     at TEXT NOT NULL,
     user_id TEXT NOT NULL,
     username TEXT NOT NULL,
     route TEXT NOT NULL,
     station_id TEXT,
     action TEXT,
     result TEXT NOT NULL,
     http_status INTEGER NOT NULL,
     request TEXT
   );
   CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id);`,
  // OCPI 2.2.1 roaming (issue #16; sqlite-ocpi.ts): OCPI documents and the per-partner delivery outbox.
  SQLITE_OCPI_TABLES,
  // Station certificate inventory and background-job leases (issue #14)
  SQLITE_CERTIFICATES_TABLES,
  // Connector status history retention (issue 12, CSMS_STATUS_HISTORY_RETENTION_DAYS): the sweep finds old rows by age.
  `CREATE INDEX connector_status_history_by_age ON connector_status_history (reported_at);
   -- Reports that never finish (CSMS_REPORT_TIMEOUT_SEC): the sweep finds open requests by their last change.
   CREATE INDEX station_requests_open_by_update ON station_requests (updated_at) WHERE status IN ('requested', 'accepted', 'receiving');`,
  // Tariffs, their assignments and each transaction's cost (issue 13, block I; sqlite-tariffs.ts).
  SQLITE_TARIFF_TABLES,
  // Sites for load management (issue 13): one row each, tree / attachments / newest allocation in
  // the JSON body (sqlite-sites.ts); site_stations finds a station's site.
  `CREATE TABLE sites (
     tenant_id TEXT NOT NULL,
     id TEXT NOT NULL,
     version INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (tenant_id, id)
   ) WITHOUT ROWID;
   CREATE INDEX sites_by_created ON sites (tenant_id, created_at, id);
   CREATE TABLE site_stations (
     tenant_id TEXT NOT NULL,
     station_id TEXT NOT NULL,
     site_id TEXT NOT NULL,
     PRIMARY KEY (tenant_id, station_id, site_id)
   ) WITHOUT ROWID;
   CREATE INDEX site_stations_by_site ON site_stations (tenant_id, site_id);`,
  // The stations table (issue 15): one index per sort, over the expression it sorts by, and
  // connector statuses by status (station-search-sql.ts); id tokens by group (the tokens page).
  `${STATION_SEARCH_INDEXES}
   CREATE INDEX id_tokens_by_group ON id_tokens (tenant_id, group_id, id_token);`,
  // Smart charging (issue 13): a priority per id token (or group: the token its groupId names) for site load management.
  `ALTER TABLE id_tokens ADD COLUMN priority INTEGER;`,
];

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`Database schema version ${current} is newer than this build supports (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
