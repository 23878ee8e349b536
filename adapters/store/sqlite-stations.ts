import type { Database, Statement } from 'better-sqlite3';
import type { BootInfo, ConnectorStatusRecord, StationRecord } from '../../core/types.js';
import type { ConnectorStatusHistoryQuery, ConnectorStatusUpdate, FleetSummary, NewStation, Page, PageQuery, StationLogin, StationStore } from '../../core/ports/store/store.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { GroupCommit } from './group-commit.js';
import { policyOf, toConnector, toLogin, toStation, toStatusChange, type Row } from './sql-rows.js';
import type { SecurityProfile } from '../../core/security-profile.js';
import type { BootPolicy } from '../../core/boot-policy.js';
import type { StationSearch } from '../../core/station-search.js';
import { searchPage, stationSearchSql } from './station-search-sql.js';
import type { OutboxEventsOption } from '../../core/ports/store/outbox-store.js';
import type { SqliteOutbox } from './sqlite-outbox.js';

/** Stations and their connector statuses in SQLite. */
/** The statements that delete what a station owns, run with its own delete (one write). */
const STATION_OWNED = [
  'deleteConnectors', 'deleteEvents', 'deleteDeviceModel', 'deleteRequests', 'deleteStatusHistory', 'deleteAlertStates',
  'deleteChargingProfiles', 'deleteDisplayMessages', 'deleteLocalList', 'deleteReservations', 'deleteUploadSlots', 'deleteCertificates',
] as const;

export class SqliteStations implements StationStore {
  private readonly stmt: Record<string, Statement>;
  private readonly searches = new Map<string, Statement>();

  /** A SAVEPOINT inside the group commit: a boot and its events are kept together or not at all. */
  private readonly savepoint: (fn: () => unknown) => unknown;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommit,
    /** Takes a boot's events inside its write (`recordBoot`'s events); absent: writes never do. */
    private readonly outbox?: SqliteOutbox,
  ) {
    this.stmt = this.prepareStatements();
    this.savepoint = db.transaction((fn: () => unknown) => fn());
  }

  private prepareStatements(): Record<string, Statement> {
    const db = this.db;
    return {
      insertStation: db.prepare(
        `INSERT INTO stations (id, tenant_id, password_hash, security_profile, created_at, updated_at)
         VALUES (@id, @tenantId, @passwordHash, @securityProfile, @now, @now) ON CONFLICT(id) DO NOTHING`,
      ),
      getStation: db.prepare('SELECT * FROM stations WHERE tenant_id = ? AND id = ?'),
      login: db.prepare('SELECT id, tenant_id, password_hash, security_profile, previous_password_hash FROM stations WHERE id = ?'),
      securityProfile: db.prepare('UPDATE stations SET security_profile = ?, updated_at = ? WHERE tenant_id = ? AND id = ?'),
      setPassword: db.prepare(
        `UPDATE stations SET previous_password_hash = CASE WHEN @keepPrevious = 1 THEN password_hash ELSE NULL END,
           password_hash = @passwordHash, password_rotated_at = @at, updated_at = @at
         WHERE tenant_id = @tenantId AND id = @id`,
      ),
      confirmPassword: db.prepare('UPDATE stations SET previous_password_hash = NULL WHERE id = ? AND password_hash = ? AND previous_password_hash IS NOT NULL'),
      listStations: db.prepare('SELECT * FROM stations WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?'),
      deleteStation: db.prepare('DELETE FROM stations WHERE tenant_id = ? AND id = ?'),
      bootPolicy: db.prepare(
        `UPDATE stations SET registration_status = COALESCE(@status, registration_status),
           heartbeat_interval_sec = CASE WHEN @setInterval = 1 THEN @interval ELSE heartbeat_interval_sec END
         WHERE tenant_id = @tenantId AND id = @id RETURNING registration_status, heartbeat_interval_sec`,
      ),
      deleteConnectors: db.prepare('DELETE FROM connector_statuses WHERE tenant_id = ? AND station_id = ?'),
      // What the station sent and what was asked of it goes with it (issue #12).
      deleteEvents: db.prepare('DELETE FROM station_events WHERE tenant_id = ? AND station_id = ?'),
      deleteStatusHistory: db.prepare('DELETE FROM connector_status_history WHERE tenant_id = ? AND station_id = ?'),
      // Retention: rows before the cutoff that a later row (also before it) of the same connector replaces.
      pruneStatusHistory: db.prepare(
        `DELETE FROM connector_status_history WHERE id IN (
           SELECT h.id FROM connector_status_history h INDEXED BY connector_status_history_by_age
           WHERE h.reported_at < @cutoff AND EXISTS (
             SELECT 1 FROM connector_status_history n
             WHERE n.station_id = h.station_id AND n.reported_at < @cutoff AND n.tenant_id = h.tenant_id
               AND n.evse_id = h.evse_id AND n.connector_id = h.connector_id
               AND (n.reported_at > h.reported_at OR (n.reported_at = h.reported_at AND n.id > h.id)))
           LIMIT @limit)`,
      ),
      deleteChargingProfiles: db.prepare('DELETE FROM charging_profiles WHERE tenant_id = ? AND station_id = ?'),
      deleteDisplayMessages: db.prepare('DELETE FROM display_messages WHERE tenant_id = ? AND station_id = ?'),
      deleteLocalList: db.prepare('DELETE FROM local_lists WHERE tenant_id = ? AND station_id = ?'),
      deleteReservations: db.prepare('DELETE FROM reservations WHERE tenant_id = ? AND station_id = ?'),
      deleteUploadSlots: db.prepare('DELETE FROM upload_slots WHERE tenant_id = ? AND station_id = ?'),
      // Its certificate inventory (issue #14): a re-registered id starts with none.
      deleteCertificates: db.prepare('DELETE FROM station_certificates WHERE tenant_id = ? AND station_id = ?'),
      deleteAlertStates: db.prepare('DELETE FROM alert_states WHERE tenant_id = ? AND station_id = ?'),
      deleteDeviceModel: db.prepare('DELETE FROM device_model WHERE tenant_id = ? AND station_id = ?'),
      deleteRequests: db.prepare('DELETE FROM station_requests WHERE tenant_id = ? AND station_id = ?'),
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
      // core/alerts.ts clearedByStatus16: a 1.6 status clears its connector's alerts of other errorCodes.
      clearAlerts: db.prepare(
        `UPDATE alert_states SET state = 'cleared', cleared_at = @reportedAt, last_at = @reportedAt
         WHERE station_id = @stationId AND evse_id = @evseId AND connector_id = @connectorId
           AND state = 'open' AND source = 'connector-status' AND tenant_id = @tenantId
           AND type <> @errorCode AND last_at <= @reportedAt`,
      ),
      appendHistory: db.prepare(
        `INSERT INTO connector_status_history (station_id, tenant_id, evse_id, connector_id, status, detailed_status,
           error_code, info, vendor_error_code, reported_at)
         VALUES (@stationId, @tenantId, @evseId, @connectorId, @status, @detailedStatus, @errorCode, @info, @vendorErrorCode, @reportedAt)`,
      ),
      historyBefore: db.prepare(
        `SELECT * FROM connector_status_history WHERE station_id = ? AND reported_at < ? AND tenant_id = ?
           AND evse_id = ? AND connector_id = ? ORDER BY reported_at DESC, id DESC LIMIT 1`,
      ),
      history: db.prepare(
        `SELECT * FROM connector_status_history WHERE station_id = @stationId AND reported_at >= @from AND reported_at < @to
           AND tenant_id = @tenantId AND (@evseId IS NULL OR evse_id = @evseId) AND (@connectorId IS NULL OR connector_id = @connectorId)
         ORDER BY reported_at, id LIMIT @limit`,
      ),
      countStations: db.prepare('SELECT count(*) AS n FROM stations WHERE tenant_id = ?'),
      // Served by connector_statuses_by_status (tenant_id, status, station_id): an index-only count.
      countConnectorsByStatus: db.prepare('SELECT status, count(*) AS n FROM connector_statuses WHERE tenant_id = ? GROUP BY status'),
      listConnectors: db.prepare(
        'SELECT * FROM connector_statuses WHERE tenant_id = ? AND station_id = ? ORDER BY evse_id, connector_id',
      ),
    };
  }

  createStation(station: NewStation): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => this.stmt.insertStation!.run({ ...station, securityProfile: station.securityProfile ?? 1, now }).changes === 1);
  }

  async getStation(tenantId: string, id: string): Promise<StationRecord | undefined> {
    const row = this.stmt.getStation!.get(tenantId, id) as Row | undefined;
    return row ? toStation(row) : undefined;
  }

  async findStationLogin(id: string): Promise<StationLogin | undefined> {
    const row = this.stmt.login!.get(id) as Row | undefined;
    return row ? toLogin(row) : undefined;
  }

  setSecurityProfile(tenantId: string, id: string, profile: SecurityProfile): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.enqueue(() => this.stmt.securityProfile!.run(profile, now, tenantId, id).changes === 1);
  }

  setPassword(tenantId: string, id: string, passwordHash: string, options: { keepPrevious: boolean; at: string }): Promise<boolean> {
    return this.writer.enqueue(
      () => this.stmt.setPassword!.run({ tenantId, id, passwordHash, keepPrevious: options.keepPrevious ? 1 : 0, at: options.at }).changes === 1,
    );
  }

  async confirmPassword(id: string, passwordHash: string): Promise<void> {
    await this.writer.enqueue(() => this.stmt.confirmPassword!.run(id, passwordHash));
  }

  async searchStations(tenantId: string, query: StationSearch): Promise<Page<StationRecord>> {
    const { text, params, sort } = stationSearchSql('sqlite', tenantId, query);
    let stmt = this.searches.get(text);
    if (!stmt) {
      // One statement per query shape (filters and sort given), prepared once.
      stmt = this.db.prepare(text);
      this.searches.set(text, stmt);
    }
    return searchPage(stmt.all(...params) as Row[], query.limit, sort);
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
      if (this.stmt.deleteStation!.run(tenantId, id).changes !== 1) return false;
      // Everything kept per station goes with it, but its transactions (billing records, kept with
      // their meter values) and the per-station requestId counter (ids are not reused). Uploaded
      // files stay until their retention (CSMS_UPLOAD_RETENTION_DAYS); their slots go.
      for (const table of STATION_OWNED) this.stmt[table]!.run(tenantId, id);
      return true;
    });
  }

  pruneConnectorStatusHistory(olderThan: string, limit: number): Promise<number> {
    return this.writer.enqueue(() => this.stmt.pruneStatusHistory!.run({ cutoff: olderThan, limit }).changes);
  }

  setBootPolicy(tenantId: string, id: string, policy: Partial<BootPolicy>): Promise<BootPolicy | undefined> {
    return this.writer.enqueue(() => {
      const row = this.stmt.bootPolicy!.get({
        tenantId,
        id,
        status: policy.registrationStatus ?? null,
        setInterval: policy.heartbeatIntervalSec !== undefined ? 1 : 0,
        interval: policy.heartbeatIntervalSec ?? null,
      }) as Row | undefined;
      return row ? policyOf(row) : undefined;
    });
  }

  async recordBoot(tenantId: string, id: string, boot: BootInfo, events?: OutboxEventsOption): Promise<{ eventsWritten: true } | undefined> {
    const outbox = events && this.outbox;
    if (outbox) {
      return this.writer.enqueue(() =>
        this.savepoint(() => {
          this.bootNow(tenantId, id, boot);
          outbox.insertWithin(events.owner, events.build());
          return { eventsWritten: true as const };
        }) as { eventsWritten: true },
      );
    }
    await this.writer.enqueue(() => this.bootNow(tenantId, id, boot));
    return undefined;
  }

  private bootNow(tenantId: string, id: string, boot: BootInfo): void {
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
      });
  }

  async recordSeen(tenantId: string, id: string, at: string): Promise<void> {
    await this.writer.enqueue(() => this.stmt.seen!.run(at, tenantId, id));
  }

  async recordConnectorStatus(update: ConnectorStatusUpdate): Promise<void> {
    const updatedAt = new Date().toISOString();
    await this.writer.enqueue(() => {
      // No row changed: the station is not in that tenant, and its history gets nothing either.
      if (this.stmt.connectorStatus!.run({ ...update, updatedAt }).changes !== 1) return;
      this.stmt.appendHistory!.run(update);
      // Only 1.6 statuses carry an errorCode; the partial index makes this a probe of open alerts only.
      if (update.errorCode !== null) this.stmt.clearAlerts!.run(update);
    });
  }

  async listConnectorStatusHistory(tenantId: string, stationId: string, query: ConnectorStatusHistoryQuery): Promise<ConnectorStatusUpdate[]> {
    const connectors = (this.stmt.listConnectors!.all(tenantId, stationId) as Row[]).filter(
      (c) => (query.evseId === undefined || c.evse_id === query.evseId) && (query.connectorId === undefined || c.connector_id === query.connectorId),
    );
    const before = connectors
      .map((c) => this.stmt.historyBefore!.get(stationId, query.from, tenantId, c.evse_id, c.connector_id) as Row | undefined)
      .filter((r): r is Row => r !== undefined)
      .sort((a, b) => (a.reported_at as string).localeCompare(b.reported_at as string));
    const rows = this.stmt.history!.all({
      stationId, tenantId, from: query.from, to: query.to, evseId: query.evseId ?? null, connectorId: query.connectorId ?? null, limit: query.limit,
    }) as Row[];
    return [...before, ...rows].slice(0, query.limit).map(toStatusChange);
  }

  async listConnectorStatuses(tenantId: string, stationId: string): Promise<ConnectorStatusRecord[]> {
    return (this.stmt.listConnectors!.all(tenantId, stationId) as Row[]).map(toConnector);
  }

  async fleetSummary(tenantId: string): Promise<FleetSummary> {
    const stations = (this.stmt.countStations!.get(tenantId) as { n: number }).n;
    const rows = this.stmt.countConnectorsByStatus!.all(tenantId) as Array<{ status: string; n: number }>;
    return { stations, connectorsByStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])) };
  }
}
