import type { Database, Statement } from 'better-sqlite3';
import type { ChargingProfileStore, ProfileFilter, ProfileSource, StoredChargingProfile } from '../../core/ports/store/charging-profile-store.js';
import type { GroupCommit } from './group-commit.js';
import { byEvsePurposeLevel, matchesFilter, toStoredProfile } from './charging-profile-rows.js';
import type { Row } from './sql-rows.js';

/** Charging profiles on SQLite; shares the database and group commit of `SqliteStore`. */
export class SqliteChargingProfiles implements ChargingProfileStore {
  private readonly stmt: Record<string, Statement>;

  constructor(
    db: Database,
    private readonly writer: GroupCommit,
  ) {
    this.stmt = {
      put: db.prepare(
        `INSERT INTO charging_profiles (station_id, source, profile_id, tenant_id, evse_id, body, updated_at)
         VALUES (@stationId, @source, @profileId, @tenantId, @evseId, @body, @updatedAt)
         ON CONFLICT(station_id, source, profile_id) DO UPDATE SET evse_id = excluded.evse_id, body = excluded.body,
           updated_at = excluded.updated_at
         WHERE charging_profiles.tenant_id = excluded.tenant_id`,
      ),
      list: db.prepare('SELECT * FROM charging_profiles WHERE tenant_id = ? AND station_id = ?'),
      listSource: db.prepare('SELECT * FROM charging_profiles WHERE tenant_id = ? AND station_id = ? AND source = ?'),
      delete: db.prepare('DELETE FROM charging_profiles WHERE station_id = ? AND source = ? AND profile_id = ?'),
    };
  }

  async put(r: StoredChargingProfile): Promise<void> {
    await this.writer.enqueue(() =>
      this.stmt.put!.run({ stationId: r.stationId, source: r.source, profileId: r.profile.id, tenantId: r.tenantId, evseId: r.evseId, body: JSON.stringify(r.profile), updatedAt: r.updatedAt }),
    );
  }

  async list(tenantId: string, stationId: string): Promise<StoredChargingProfile[]> {
    return (this.stmt.list!.all(tenantId, stationId) as Row[]).map(toStoredProfile).sort(byEvsePurposeLevel);
  }

  clear(tenantId: string, stationId: string, source: ProfileSource, filter: ProfileFilter): Promise<number> {
    // Read and delete in one write, so a profile set in between is not lost or half-cleared.
    return this.writer.enqueue(() => {
      const gone = (this.stmt.listSource!.all(tenantId, stationId, source) as Row[]).map(toStoredProfile).filter((r) => matchesFilter(r, filter));
      for (const r of gone) this.stmt.delete!.run(stationId, source, r.profile.id);
      return gone.length;
    });
  }
}
