import type { Sql } from 'postgres';
import { POSTGRES_OUTBOX_TABLE } from './postgres-outbox.js';
import { POSTGRES_OCPI_TABLES } from './postgres-ocpi.js';
import { POSTGRES_CONFIG_TEMPLATES_TABLE } from './postgres-config-templates.js';
import { POSTGRES_CERTIFICATES_TABLES } from './postgres-certificates.js';
import { POSTGRES_TARIFF_TABLES } from './postgres-tariffs.js';
import { STATION_SEARCH_INDEXES } from './station-search-sql.js';

/**
 * Schema migrations of the PostgreSQL store, applied in order at open and recorded in
 * `schema_migrations`. Append new steps; never edit a released one.
 *
 * Conventions: every text column that is compared or sorted is `COLLATE "C"` (byte order, as in
 * SQLite and MongoDB), so paging and ISO-time ranges do not depend on the database's locale.
 * Times are canonical ISO-8601 text, like the other adapters: they come back exactly as written.
 * Every index a tenant-scoped query uses starts with tenant_id; the few without a tenant are
 * lookups by a globally unique key (station login, API key hash, retention by station id).
 */
export const MIGRATIONS: string[] = [
  `CREATE TABLE stations (
     id text COLLATE "C" PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     password_hash text,
     vendor text, model text, serial_number text, firmware_version text, iccid text, imsi text,
     protocol text, boot_reason text, last_boot_at text, last_seen_at text,
     created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL
   );
   CREATE INDEX stations_by_tenant ON stations (tenant_id, id);
   CREATE TABLE connector_statuses (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     evse_id integer NOT NULL,
     connector_id integer NOT NULL,
     status text NOT NULL, detailed_status text, error_code text, info text, vendor_error_code text,
     reported_at text NOT NULL, updated_at text NOT NULL,
     PRIMARY KEY (tenant_id, station_id, evse_id, connector_id)
   );
   CREATE TABLE api_keys (
     id text COLLATE "C" PRIMARY KEY,
     key_hash text NOT NULL UNIQUE,
     role text NOT NULL,
     tenant_id text COLLATE "C",
     name text, prefix text NOT NULL,
     created_at text COLLATE "C" NOT NULL, revoked_at text
   );
   CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC, id);
   CREATE TABLE message_log (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     direction text NOT NULL,
     message_type integer NOT NULL,
     message_id text NOT NULL,
     action text COLLATE "C",
     payload text NOT NULL,
     at text COLLATE "C" NOT NULL
   );
   CREATE INDEX message_log_by_tenant_station ON message_log (tenant_id, station_id, seq);
   -- Retention: the row bound is per station id across tenants; the age bound uses a BRIN
   -- index (frames are appended in time order), a few pages instead of a B-tree insert per frame.
   CREATE INDEX message_log_by_station ON message_log (station_id, seq);
   CREATE INDEX message_log_by_time ON message_log USING brin (at);
   CREATE TABLE transactions (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     ocpp_transaction_id bigint,
     start_key text,
     protocol text NOT NULL,
     evse_id integer, connector_id integer,
     id_token text COLLATE "C", id_token_type text,
     is_active boolean NOT NULL,
     charging_state text,
     time_spent_charging_sec integer NOT NULL,
     total_kwh double precision NOT NULL,
     stopped_reason text,
     remote_start_id bigint,
     operation_mode text, tariff_id text,
     started_at text COLLATE "C" NOT NULL, ended_at text,
     meter_start_wh double precision, meter_stop_wh double precision,
     last_seq_no bigint,
     flags text NOT NULL,
     fold text NOT NULL,
     created_at text NOT NULL, updated_at text COLLATE "C" NOT NULL,
     PRIMARY KEY (tenant_id, station_id, id)
   );
   CREATE UNIQUE INDEX transactions_by_start_key ON transactions (tenant_id, station_id, start_key) WHERE start_key IS NOT NULL;
   CREATE INDEX transactions_by_tenant_id ON transactions (tenant_id, id, station_id);
   CREATE INDEX transactions_by_station_started ON transactions (tenant_id, station_id, started_at, id);
   CREATE INDEX transactions_active_by_evse ON transactions (tenant_id, station_id, evse_id, started_at) WHERE is_active;
   CREATE INDEX transactions_by_tenant_started ON transactions (tenant_id, started_at, station_id, id);
   CREATE INDEX transactions_by_tenant_updated ON transactions (tenant_id, updated_at, station_id, id);
   CREATE INDEX transactions_active ON transactions (tenant_id, is_active, started_at);
   CREATE INDEX transactions_by_token ON transactions (tenant_id, id_token, started_at);
   CREATE INDEX transactions_by_remote_start ON transactions (tenant_id, remote_start_id) WHERE remote_start_id IS NOT NULL;
   CREATE TABLE transaction_events (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     transaction_id text COLLATE "C" NOT NULL,
     dedup_key text COLLATE "C" NOT NULL,
     event text NOT NULL,
     received_at text NOT NULL,
     PRIMARY KEY (tenant_id, station_id, transaction_id, dedup_key)
   );
   CREATE TABLE meter_values (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     transaction_id text COLLATE "C",
     evse_id integer,
     ts text COLLATE "C" NOT NULL,
     measurand text NOT NULL, phase text, location text, context text,
     value double precision NOT NULL, unit text, multiplier integer NOT NULL
   );
   CREATE INDEX meter_values_by_transaction ON meter_values (tenant_id, station_id, transaction_id, ts, id);
   -- 1.6 transaction ids: one sequence for the whole cluster, bounded to int32 (the wire type).
   -- Every id handed out or reported by a station is claimed here, so even a sequence raised
   -- concurrently by two nodes can never hand out an id twice.
   CREATE SEQUENCE ocpp16_transaction_id AS integer;
   CREATE TABLE ocpp16_transaction_ids (id bigint PRIMARY KEY);
   CREATE TABLE remote_starts (
     id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     id_token text COLLATE "C" NOT NULL,
     evse_id integer,
     transaction_id text,
     created_at text COLLATE "C" NOT NULL
   );
   CREATE INDEX remote_starts_pending ON remote_starts (tenant_id, station_id, id_token, created_at) WHERE transaction_id IS NULL;
   CREATE TABLE id_tokens (
     tenant_id text COLLATE "C" NOT NULL,
     id_token text COLLATE "C" NOT NULL,
     type text NOT NULL,
     status text NOT NULL,
     expires_at text, group_id text,
     source text NOT NULL,
     created_at text NOT NULL, updated_at text NOT NULL,
     PRIMARY KEY (tenant_id, id_token)
   );
   CREATE TABLE local_lists (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     version integer NOT NULL,
     entries text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (tenant_id, station_id)
   );
   CREATE TABLE device_model (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     key text COLLATE "C" NOT NULL,
     component_name text COLLATE "C" NOT NULL,
     entry text NOT NULL,
     reported_at text NOT NULL,
     PRIMARY KEY (tenant_id, station_id, key)
   );
   CREATE INDEX device_model_by_component ON device_model (tenant_id, station_id, component_name, key);`,
  // Multi-message flows (issue 9): requests completed by later notifications (core/requests.ts),
  // and the per-station counters their requestIds come from.
  `CREATE TABLE station_requests (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     request_id bigint NOT NULL,
     action text COLLATE "C" NOT NULL,
     status text COLLATE "C" NOT NULL,
     answer text,
     parts integer NOT NULL,
     last_seq_no integer, final_seq_no integer,
     seq_nos text NOT NULL,
     progress text, result text, error text,
     expires_at text COLLATE "C",
     created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL,
     PRIMARY KEY (tenant_id, station_id, request_id)
   );
   CREATE INDEX station_requests_by_created ON station_requests (tenant_id, station_id, created_at, request_id);
   CREATE TABLE station_request_ids (
     station_id text COLLATE "C" PRIMARY KEY,
     value bigint NOT NULL
   );`,
  // Station messages (issue 12): security events, NotifyEvent, firmware/diagnostics/log statuses,
  // report pages, DataTransfer (core/station-events.ts); append-only, newest first per station.
  `CREATE TABLE station_events (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     kind text COLLATE "C" NOT NULL,
     type text COLLATE "C" NOT NULL,
     at text COLLATE "C" NOT NULL,
     received_at text COLLATE "C" NOT NULL,
     request_id bigint,
     payload text NOT NULL
   );
   CREATE INDEX station_events_by_station ON station_events (station_id, id);
   CREATE INDEX station_events_by_kind ON station_events (station_id, kind, id);`,
  // Boot policy (issue 12): NULLs mean Accepted and the CSMS's heartbeat interval.
  `ALTER TABLE stations ADD COLUMN registration_status text COLLATE "C";
   ALTER TABLE stations ADD COLUMN heartbeat_interval_sec integer;`,
  // Alerts (issue 12): station events of kind 'alert', listed tenant-wide; partial, so other events pay nothing.
  `CREATE INDEX station_events_alerts ON station_events (tenant_id, id) WHERE kind = 'alert';`,
  // Smart charging (issue 13): profiles set by the CSMS and reported by stations.
  `CREATE TABLE charging_profiles (
     station_id text NOT NULL,
     source text NOT NULL,
     profile_id integer NOT NULL,
     tenant_id text NOT NULL,
     evse_id integer NOT NULL,
     body text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (station_id, source, profile_id)
   )`,
  // the durable event outbox (postgres-outbox.ts)
  POSTGRES_OUTBOX_TABLE,
  // configuration templates (issue 12; postgres-config-templates.ts)
  POSTGRES_CONFIG_TEMPLATES_TABLE,
  // Reservations (issue 13, block H): the record is the JSON body; ids per tenant from reservation_ids.
  `CREATE TABLE reservations (
     tenant_id text COLLATE "C" NOT NULL,
     reservation_id integer NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     status text COLLATE "C" NOT NULL,
     id_token text COLLATE "C" NOT NULL,
     expires_at text COLLATE "C" NOT NULL,
     body text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (tenant_id, reservation_id)
   );
   CREATE INDEX reservations_by_station ON reservations (tenant_id, station_id, reservation_id);
   CREATE INDEX reservations_open_by_expiry ON reservations (expires_at) WHERE status IN ('created', 'accepted');
   CREATE TABLE reservation_ids (
     tenant_id text COLLATE "C" PRIMARY KEY,
     last_id integer NOT NULL
   )`,
  // Display messages (issue 13, block O): what the CSMS set and what each station reports.
  `CREATE TABLE display_messages (
     station_id text COLLATE "C" NOT NULL,
     source text COLLATE "C" NOT NULL,
     message_id integer NOT NULL,
     tenant_id text COLLATE "C" NOT NULL,
     transaction_id text COLLATE "C",
     body text NOT NULL,
     updated_at text NOT NULL,
     PRIMARY KEY (station_id, source, message_id)
   );
   CREATE INDEX display_messages_by_transaction ON display_messages (tenant_id, transaction_id) WHERE transaction_id IS NOT NULL`,
  // Billing-grade sessions (issue 12): a station-reported 1.6 id is only claimed (no setval any
  // more), and the int32 sequence wraps instead of failing once it reaches the end.
  `ALTER SEQUENCE ocpp16_transaction_id CYCLE;
   -- Id tokens as the specs compare them (case-insensitive, ASCII: lower() under COLLATE "C"),
   -- and per-token ConcurrentTx allowance.
   CREATE INDEX id_tokens_lower ON id_tokens (tenant_id, lower(id_token));
   ALTER TABLE id_tokens ADD COLUMN allow_concurrent_tx boolean NOT NULL DEFAULT false;
   CREATE INDEX transactions_by_token_lower ON transactions (tenant_id, lower(id_token));
   -- Connector status history: one row per StatusNotification, appended in the status's own write.
   CREATE TABLE connector_status_history (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     evse_id integer NOT NULL,
     connector_id integer NOT NULL,
     status text NOT NULL, detailed_status text, error_code text, info text, vendor_error_code text,
     reported_at text COLLATE "C" NOT NULL
   );
   CREATE INDEX connector_status_history_by_time ON connector_status_history (tenant_id, station_id, reported_at);
   -- Alerts as open/cleared states (core/alerts.ts), per station and subject.
   CREATE TABLE alert_states (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     alert_key text COLLATE "C" NOT NULL,
     source text NOT NULL, type text NOT NULL, evse_id integer, connector_id integer,
     state text NOT NULL, opened_at text NOT NULL, cleared_at text, last_at text COLLATE "C" NOT NULL,
     count integer NOT NULL, payload text NOT NULL,
     PRIMARY KEY (station_id, alert_key)
   );
   CREATE INDEX alert_states_by_tenant ON alert_states (tenant_id, last_at, station_id, alert_key);
   CREATE INDEX alert_states_open_connectors ON alert_states (station_id, evse_id, connector_id)
     WHERE state = 'open' AND source = 'connector-status';
   -- Signed meter values (1.6 SignedData, 2.x signedMeterValue) beside the value they sign, as JSON.
   ALTER TABLE meter_values ADD COLUMN signed_meter_value text;
   -- Transaction record: reservation, newest triggerReason, every id token it was sent with (JSON).
   ALTER TABLE transactions ADD COLUMN reservation_id integer;
   ALTER TABLE transactions ADD COLUMN trigger_reason text;
   ALTER TABLE transactions ADD COLUMN id_tokens text`,
  // Station security (issue 14): security profile 1-3; the password before a rotation, accepted
  // until the station's first login with the new one; when the password was last rotated.
  `ALTER TABLE stations ADD COLUMN security_profile integer NOT NULL DEFAULT 1;
   ALTER TABLE stations ADD COLUMN previous_password_hash text;
   ALTER TABLE stations ADD COLUMN password_rotated_at text`,
  // Firmware campaigns (issue 12): one row each, stations' progress in the JSON body; the driver
  // reads the active ones of every tenant (postgres-campaigns.ts). Upload slots of the built-in
  // upload target (postgres-uploads.ts).
  `CREATE TABLE firmware_campaigns (
     id text COLLATE "C" PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     status text COLLATE "C" NOT NULL,
     active boolean NOT NULL,
     version integer NOT NULL,
     created_at text COLLATE "C" NOT NULL,
     body text NOT NULL
   );
   CREATE INDEX firmware_campaigns_by_tenant ON firmware_campaigns (tenant_id, created_at, id);
   CREATE INDEX firmware_campaigns_active ON firmware_campaigns (created_at, id) WHERE active;
   CREATE TABLE upload_slots (
     token_hash text COLLATE "C" PRIMARY KEY,
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     request_id bigint,
     action text COLLATE "C" NOT NULL,
     expires_at text NOT NULL,
     created_at text COLLATE "C" NOT NULL,
     claimed_at text,
     file_name text, size bigint, stored_as text, uploaded_at text
   );
   CREATE INDEX upload_slots_by_request ON upload_slots (station_id, request_id, created_at)`,
  // Operator UI (issue 15): people with roles, their sessions (only the token's hash) and the
  // audit log of commands they sent (postgres-users.ts).
  `CREATE TABLE users (
     id text PRIMARY KEY,
     username text NOT NULL,
     password_hash text NOT NULL,
     role text NOT NULL,
     tenant_id text,
     created_at text NOT NULL,
     updated_at text NOT NULL,
     disabled_at text
   );
   CREATE UNIQUE INDEX users_username ON users (lower(username));
   CREATE INDEX users_by_tenant ON users (tenant_id, username);
   CREATE TABLE user_sessions (
     token_hash text PRIMARY KEY,
     user_id text NOT NULL,
     csrf_token text NOT NULL,
     created_at text NOT NULL,
     expires_at text COLLATE "C" NOT NULL
   );
   CREATE INDEX user_sessions_by_user ON user_sessions (user_id);
   CREATE TABLE audit_log (
     id bigserial PRIMARY KEY,
     tenant_id text NOT NULL,
     at text NOT NULL,
     user_id text NOT NULL,
     username text NOT NULL,
     route text NOT NULL,
     station_id text,
     action text,
     result text NOT NULL,
     http_status integer NOT NULL,
     request text
   );
   CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, id)`,
  // OCPI 2.2.1 roaming (issue #16; postgres-ocpi.ts): OCPI documents and the per-partner delivery outbox.
  POSTGRES_OCPI_TABLES,
  // Station certificate inventory and background-job leases (issue #14)
  POSTGRES_CERTIFICATES_TABLES,
  // Connector status history retention (issue 12, CSMS_STATUS_HISTORY_RETENTION_DAYS): the sweep finds old rows by age.
  `CREATE INDEX connector_status_history_by_age ON connector_status_history (reported_at);
   -- Reports that never finish (CSMS_REPORT_TIMEOUT_SEC): the sweep finds open requests by their last change.
   CREATE INDEX station_requests_open_by_update ON station_requests (updated_at) WHERE status IN ('requested', 'accepted', 'receiving')`,
  // Tariffs, their assignments and each transaction's cost (issue 13, block I; postgres-tariffs.ts).
  POSTGRES_TARIFF_TABLES,
  // Sites for load management (issue 13): one row each, tree / attachments / newest allocation in
  // the JSON body (postgres-sites.ts); site_stations finds a station's site.
  `CREATE TABLE sites (
     tenant_id text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     version integer NOT NULL,
     created_at text COLLATE "C" NOT NULL,
     body text NOT NULL,
     PRIMARY KEY (tenant_id, id)
   );
   CREATE INDEX sites_by_created ON sites (tenant_id, created_at, id);
   CREATE TABLE site_stations (
     tenant_id text COLLATE "C" NOT NULL,
     station_id text COLLATE "C" NOT NULL,
     site_id text COLLATE "C" NOT NULL,
     PRIMARY KEY (tenant_id, station_id, site_id)
   );
   CREATE INDEX site_stations_by_site ON site_stations (tenant_id, site_id)`,
  // The stations table (issue 15): one index per sort, over the expression it sorts by, and
  // connector statuses by status (station-search-sql.ts); id tokens by group (the tokens page).
  `${STATION_SEARCH_INDEXES}
   CREATE INDEX id_tokens_by_group ON id_tokens (tenant_id, group_id, id_token);`,
  // Smart charging (issue 13): a priority per id token (or group: the token its groupId names) for site load management.
  `ALTER TABLE id_tokens ADD COLUMN priority integer`,
];

/** Key of the session advisory lock that serialises migrations across nodes starting at once. */
export const MIGRATION_LOCK_KEY = 0x5377_5953; // 'SwYS'

/**
 * Brings the schema up to date. Nodes starting at once queue on one advisory lock; each step runs
 * as one implicit transaction (a multi-statement simple query) together with its
 * schema_migrations row, so a step is applied completely and exactly once, or not at all.
 */
export async function migrate(sql: Sql): Promise<number> {
  const conn = await sql.reserve();
  try {
    await conn`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await conn`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
      const [row] = await conn<Array<{ version: number }>>`SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations`;
      const current = row!.version;
      if (current > MIGRATIONS.length) {
        throw new Error(`Database schema version ${current} is newer than this build supports (${MIGRATIONS.length})`);
      }
      for (let version = current; version < MIGRATIONS.length; version++) {
        await conn.unsafe(`${MIGRATIONS[version]};\nINSERT INTO schema_migrations (version) VALUES (${version + 1})`).simple();
      }
      return MIGRATIONS.length - current;
    } finally {
      await conn`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.catch(() => {});
    }
  } finally {
    conn.release();
  }
}
