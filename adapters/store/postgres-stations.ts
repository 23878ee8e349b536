import type { Sql } from 'postgres';
import type { BootInfo, ConnectorStatusRecord, StationRecord } from '../../core/types.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { PgGroupCommit, Tx } from './postgres-group-commit.js';
import type { ConnectorStatusHistoryQuery, ConnectorStatusUpdate, FleetSummary, NewStation, Page, PageQuery, StationLogin, StationStore } from '../../core/ports/store/store.js';
import { policyOf, toConnector, toLogin, toStation, toStatusChange, type Row } from './sql-rows.js';
import type { SecurityProfile } from '../../core/security-profile.js';
import type { BootPolicy } from '../../core/boot-policy.js';
import type { StationSearch } from '../../core/station-search.js';
import { searchPage, stationSearchSql } from './station-search-sql.js';
import type { OutboxEventsOption } from '../../core/ports/store/outbox-store.js';
import type { PostgresOutbox } from './postgres-outbox.js';

/**
 * Stations and connector statuses on PostgreSQL. Station ids are the primary key (unique across
 * tenants: the OCPP URL carries no tenant); every write is guarded by the tenant, so a write
 * under the wrong tenant changes nothing. Writes are single statements, pipelined in the batch.
 */
export class PostgresStations implements StationStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
    /** Takes a boot's events inside its write (`recordBoot`'s events); absent: writes never do. */
    private readonly outbox?: PostgresOutbox,
  ) {}

  createStation(station: NewStation): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.pipelined((tx) =>
      tx`INSERT INTO stations (id, tenant_id, password_hash, security_profile, created_at, updated_at)
         VALUES (${station.id}, ${station.tenantId}, ${station.passwordHash}, ${station.securityProfile ?? 1}, ${now}, ${now})
         ON CONFLICT (id) DO NOTHING`.then((r) => r.count === 1),
    );
  }

  async getStation(tenantId: string, id: string): Promise<StationRecord | undefined> {
    const [row] = await this.sql`SELECT * FROM stations WHERE tenant_id = ${tenantId} AND id = ${id}`;
    return row ? toStation(row) : undefined;
  }

  async findStationLogin(id: string): Promise<StationLogin | undefined> {
    const [row] = await this.sql`SELECT id, tenant_id, password_hash, security_profile, previous_password_hash FROM stations WHERE id = ${id}`;
    return row ? toLogin(row) : undefined;
  }

  setSecurityProfile(tenantId: string, id: string, profile: SecurityProfile): Promise<boolean> {
    const now = new Date().toISOString();
    return this.writer.pipelined((tx) =>
      tx`UPDATE stations SET security_profile = ${profile}, updated_at = ${now} WHERE tenant_id = ${tenantId} AND id = ${id}`.then((r) => r.count === 1),
    );
  }

  setPassword(tenantId: string, id: string, passwordHash: string, options: { keepPrevious: boolean; at: string }): Promise<boolean> {
    return this.writer.pipelined((tx) =>
      tx`UPDATE stations SET previous_password_hash = CASE WHEN ${options.keepPrevious}::boolean THEN password_hash ELSE NULL END,
           password_hash = ${passwordHash}, password_rotated_at = ${options.at}, updated_at = ${options.at}
         WHERE tenant_id = ${tenantId} AND id = ${id}`.then((r) => r.count === 1),
    );
  }

  async confirmPassword(id: string, passwordHash: string): Promise<void> {
    await this.writer.pipelined(
      (tx) => tx`UPDATE stations SET previous_password_hash = NULL
         WHERE id = ${id} AND password_hash = ${passwordHash} AND previous_password_hash IS NOT NULL`,
    );
  }

  async searchStations(tenantId: string, query: StationSearch): Promise<Page<StationRecord>> {
    const { text, params, sort } = stationSearchSql('postgres', tenantId, query);
    const rows = await this.sql.unsafe(text, params as never[], { prepare: true });
    return searchPage(rows as unknown as Row[], query.limit, sort);
  }

  async listStations(tenantId: string, query: PageQuery): Promise<Page<StationRecord>> {
    const after = query.cursor ? decodeCursor(query.cursor) : '';
    const rows = await this.sql`SELECT * FROM stations WHERE tenant_id = ${tenantId} AND id > ${after} ORDER BY id LIMIT ${query.limit + 1}`;
    const items = rows.slice(0, query.limit).map(toStation);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : undefined };
  }

  deleteStation(tenantId: string, id: string): Promise<boolean> {
    return this.writer.pipelined((tx) =>
      Promise.all([
        tx`DELETE FROM stations WHERE tenant_id = ${tenantId} AND id = ${id}`,
        // Its statuses, and what it sent and was asked (issue #12); the tenant guard keeps another tenant's rows.
        tx`DELETE FROM connector_statuses WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM station_events WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM device_model WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM station_requests WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM connector_status_history WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM alert_states WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        // The rest it owns, but its transactions (billing records) and its requestId counter (see SQLite).
        tx`DELETE FROM charging_profiles WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM display_messages WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM local_lists WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM reservations WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM upload_slots WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
        tx`DELETE FROM station_certificates WHERE tenant_id = ${tenantId} AND station_id = ${id}`,
      ]).then(([deleted]) => deleted.count === 1),
    );
  }

  pruneConnectorStatusHistory(olderThan: string, limit: number): Promise<number> {
    return this.writer.pipelined((tx) =>
      tx`DELETE FROM connector_status_history WHERE id IN (
           SELECT h.id FROM connector_status_history h
           WHERE h.reported_at < ${olderThan} AND EXISTS (
             SELECT 1 FROM connector_status_history n
             WHERE n.tenant_id = h.tenant_id AND n.station_id = h.station_id AND n.reported_at < ${olderThan}
               AND n.evse_id = h.evse_id AND n.connector_id = h.connector_id
               AND (n.reported_at > h.reported_at OR (n.reported_at = h.reported_at AND n.id > h.id)))
           LIMIT ${limit})`.then((r) => r.count),
    );
  }

  setBootPolicy(tenantId: string, id: string, policy: Partial<BootPolicy>): Promise<BootPolicy | undefined> {
    const status = policy.registrationStatus ?? null;
    const setInterval = policy.heartbeatIntervalSec !== undefined;
    const interval = policy.heartbeatIntervalSec ?? null;
    return this.writer.pipelined((tx) =>
      tx`UPDATE stations SET registration_status = COALESCE(${status}::text, registration_status),
           heartbeat_interval_sec = CASE WHEN ${setInterval}::boolean THEN ${interval}::integer ELSE heartbeat_interval_sec END
         WHERE tenant_id = ${tenantId} AND id = ${id} RETURNING registration_status, heartbeat_interval_sec`.then((rows) => (rows[0] ? policyOf(rows[0] as Row) : undefined)),
    );
  }

  async recordBoot(tenantId: string, id: string, boot: BootInfo, events?: OutboxEventsOption): Promise<{ eventsWritten: true } | undefined> {
    const outbox = events && this.outbox;
    if (outbox) {
      // Both statements on the batch's transaction, sent together: the boot and its events commit or roll back as one.
      return this.writer.pipelined(async (tx) => {
        const kept = outbox.insertWithin(tx, events.owner, events.build());
        await Promise.all([this.bootNow(tx, tenantId, id, boot), kept]);
        return { eventsWritten: true as const };
      });
    }
    await this.writer.pipelined((tx) => this.bootNow(tx, tenantId, id, boot));
    return undefined;
  }

  private bootNow(tx: Tx, tenantId: string, id: string, boot: BootInfo) {
    return tx`INSERT INTO stations (id, tenant_id, password_hash, vendor, model, serial_number, firmware_version,
           iccid, imsi, protocol, boot_reason, last_boot_at, last_seen_at, created_at, updated_at)
         VALUES (${id}, ${tenantId}, NULL, ${boot.vendor}, ${boot.model}, ${boot.serialNumber ?? null}, ${boot.firmwareVersion ?? null},
           ${boot.iccid ?? null}, ${boot.imsi ?? null}, ${boot.protocol}, ${boot.reason ?? null}, ${boot.at}, ${boot.at}, ${boot.at}, ${boot.at})
         ON CONFLICT (id) DO UPDATE SET vendor = excluded.vendor, model = excluded.model,
           serial_number = excluded.serial_number, firmware_version = excluded.firmware_version,
           iccid = excluded.iccid, imsi = excluded.imsi, protocol = excluded.protocol,
           boot_reason = excluded.boot_reason, last_boot_at = excluded.last_boot_at,
           last_seen_at = excluded.last_seen_at, updated_at = excluded.updated_at
         WHERE stations.tenant_id = excluded.tenant_id`;
  }

  async recordSeen(tenantId: string, id: string, at: string): Promise<void> {
    await this.writer.pipelined((tx) => tx`UPDATE stations SET last_seen_at = ${at} WHERE tenant_id = ${tenantId} AND id = ${id}`);
  }

  async recordConnectorStatus(u: ConnectorStatusUpdate): Promise<void> {
    const updatedAt = new Date().toISOString();
    // The upsert and the history row go out together in one write (one flight, one commit),
    // each with the same station check.
    await this.writer.pipelined((tx) =>
      Promise.all([
        tx`INSERT INTO connector_statuses (tenant_id, station_id, evse_id, connector_id, status, detailed_status,
           error_code, info, vendor_error_code, reported_at, updated_at)
         SELECT ${u.tenantId}, ${u.stationId}, ${u.evseId}::integer, ${u.connectorId}::integer, ${u.status}, ${u.detailedStatus}, ${u.errorCode},
           ${u.info}, ${u.vendorErrorCode}, ${u.reportedAt}, ${updatedAt}
         WHERE EXISTS (SELECT 1 FROM stations WHERE id = ${u.stationId} AND tenant_id = ${u.tenantId})
         ON CONFLICT (tenant_id, station_id, evse_id, connector_id) DO UPDATE SET status = excluded.status,
           detailed_status = excluded.detailed_status, error_code = excluded.error_code, info = excluded.info,
           vendor_error_code = excluded.vendor_error_code, reported_at = excluded.reported_at,
           updated_at = excluded.updated_at`,
        tx`INSERT INTO connector_status_history (tenant_id, station_id, evse_id, connector_id, status, detailed_status,
           error_code, info, vendor_error_code, reported_at)
         SELECT ${u.tenantId}, ${u.stationId}, ${u.evseId}::integer, ${u.connectorId}::integer, ${u.status}, ${u.detailedStatus}, ${u.errorCode},
           ${u.info}, ${u.vendorErrorCode}, ${u.reportedAt}
         WHERE EXISTS (SELECT 1 FROM stations WHERE id = ${u.stationId} AND tenant_id = ${u.tenantId})`,
        // core/alerts.ts clearedByStatus16: a 1.6 status (it has an errorCode) clears its connector's alerts of other errorCodes.
        ...(u.errorCode === null
          ? []
          : [
              tx`UPDATE alert_states SET state = 'cleared', cleared_at = ${u.reportedAt}, last_at = ${u.reportedAt}
                 WHERE station_id = ${u.stationId} AND evse_id = ${u.evseId}::integer AND connector_id = ${u.connectorId}::integer
                   AND state = 'open' AND source = 'connector-status' AND tenant_id = ${u.tenantId}
                   AND type <> ${u.errorCode} AND last_at <= ${u.reportedAt}`,
            ]),
      ]),
    );
  }

  async listConnectorStatusHistory(tenantId: string, stationId: string, q: ConnectorStatusHistoryQuery): Promise<ConnectorStatusUpdate[]> {
    const evse = q.evseId === undefined ? this.sql`` : this.sql`AND evse_id = ${q.evseId}`;
    const connector = q.connectorId === undefined ? this.sql`` : this.sql`AND connector_id = ${q.connectorId}`;
    const [before, rows] = await Promise.all([
      this.sql`SELECT DISTINCT ON (evse_id, connector_id) * FROM connector_status_history
        WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND reported_at < ${q.from} ${evse} ${connector}
        ORDER BY evse_id, connector_id, reported_at DESC, id DESC`,
      this.sql`SELECT * FROM connector_status_history
        WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND reported_at >= ${q.from} AND reported_at < ${q.to} ${evse} ${connector}
        ORDER BY reported_at, id LIMIT ${q.limit}`,
    ]);
    const first = [...before].sort((a, b) => (a.reported_at as string).localeCompare(b.reported_at as string));
    return [...first, ...rows].slice(0, q.limit).map(toStatusChange);
  }

  async listConnectorStatuses(tenantId: string, stationId: string): Promise<ConnectorStatusRecord[]> {
    const rows = await this.sql`SELECT * FROM connector_statuses WHERE tenant_id = ${tenantId} AND station_id = ${stationId}
      ORDER BY evse_id, connector_id`;
    return rows.map(toConnector);
  }

  async fleetSummary(tenantId: string): Promise<FleetSummary> {
    const [[count], rows] = await Promise.all([
      this.sql<Array<{ n: string }>>`SELECT count(*) AS n FROM stations WHERE tenant_id = ${tenantId}`,
      this.sql<Array<{ status: string; n: string }>>`SELECT status, count(*) AS n FROM connector_statuses WHERE tenant_id = ${tenantId} GROUP BY status`,
    ]);
    return { stations: Number(count!.n), connectorsByStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) };
  }
}
