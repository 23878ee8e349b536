import type { Sql } from 'postgres';
import type { ChargingProfileStore, ProfileFilter, ProfileSource, StoredChargingProfile } from '../../core/ports/store/charging-profile-store.js';
import type { PgGroupCommit } from './postgres-group-commit.js';
import { byEvsePurposeLevel, matchesFilter, toStoredProfile } from './charging-profile-rows.js';
import type { Row } from './sql-rows.js';

/** Charging profiles on PostgreSQL. */
export class PostgresChargingProfiles implements ChargingProfileStore {
  constructor(
    private readonly sql: Sql,
    private readonly writer: PgGroupCommit,
  ) {}

  async put(r: StoredChargingProfile): Promise<void> {
    await this.writer.pipelined(
      (tx) => tx`INSERT INTO charging_profiles (station_id, source, profile_id, tenant_id, evse_id, body, updated_at)
        VALUES (${r.stationId}, ${r.source}, ${r.profile.id}, ${r.tenantId}, ${r.evseId}, ${JSON.stringify(r.profile)}, ${r.updatedAt})
        ON CONFLICT (station_id, source, profile_id) DO UPDATE SET evse_id = excluded.evse_id, body = excluded.body,
          updated_at = excluded.updated_at
        WHERE charging_profiles.tenant_id = excluded.tenant_id`.then(() => undefined),
    );
  }

  async list(tenantId: string, stationId: string): Promise<StoredChargingProfile[]> {
    const rows = await this.sql<Row[]>`SELECT * FROM charging_profiles WHERE tenant_id = ${tenantId} AND station_id = ${stationId}`;
    return rows.map(toStoredProfile).sort(byEvsePurposeLevel);
  }

  clear(tenantId: string, stationId: string, source: ProfileSource, filter: ProfileFilter): Promise<number> {
    return this.writer.sequential(async (tx) => {
      const rows = await tx<Row[]>`SELECT * FROM charging_profiles WHERE tenant_id = ${tenantId} AND station_id = ${stationId} AND source = ${source} FOR UPDATE`;
      const ids = rows.map(toStoredProfile).filter((r) => matchesFilter(r, filter)).map((r) => r.profile.id);
      if (ids.length > 0) await tx`DELETE FROM charging_profiles WHERE station_id = ${stationId} AND source = ${source} AND profile_id IN ${tx(ids)}`;
      return ids.length;
    });
  }
}
