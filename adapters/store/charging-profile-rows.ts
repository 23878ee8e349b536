import type { ChargingProfile } from '../../core/charging-profile.js';
import type { ProfileFilter, StoredChargingProfile } from '../../core/ports/store/charging-profile-store.js';
import type { Row } from './sql-rows.js';

/** One row of `charging_profiles` (SQLite and PostgreSQL) as the store's record. */
export function toStoredProfile(row: Row): StoredChargingProfile {
  return {
    tenantId: row.tenant_id as string,
    stationId: row.station_id as string,
    evseId: Number(row.evse_id),
    source: row.source as StoredChargingProfile['source'],
    profile: JSON.parse(row.body as string) as ChargingProfile,
    updatedAt: row.updated_at as string,
  };
}

/** Whether a record matches a ClearChargingProfile filter (evaluated in code: a station holds a handful). */
export function matchesFilter(record: StoredChargingProfile, filter: ProfileFilter): boolean {
  return (
    (filter.id === undefined || record.profile.id === filter.id) &&
    (filter.evseId === undefined || record.evseId === filter.evseId) &&
    (filter.purpose === undefined || record.profile.purpose === filter.purpose) &&
    (filter.stackLevel === undefined || record.profile.stackLevel === filter.stackLevel)
  );
}

const PURPOSE_ORDER = ['StationMax', 'StationExternalConstraints', 'TxDefault', 'Tx'];

export function byEvsePurposeLevel(a: StoredChargingProfile, b: StoredChargingProfile): number {
  return (
    a.evseId - b.evseId ||
    PURPOSE_ORDER.indexOf(a.profile.purpose) - PURPOSE_ORDER.indexOf(b.profile.purpose) ||
    a.profile.stackLevel - b.profile.stackLevel ||
    a.profile.id - b.profile.id ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)
  );
}
