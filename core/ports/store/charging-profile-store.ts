import type { ChargingProfile, ProfilePurpose } from '../../charging-profile.js';

/** Who a stored profile comes from: what the CSMS set (and the station accepted), or what the station reported. */
export type ProfileSource = 'csms' | 'station';

export interface StoredChargingProfile {
  tenantId: string;
  stationId: string;
  /** 0 for the whole station; a 2.x EVSE or 1.6 connector otherwise. */
  evseId: number;
  source: ProfileSource;
  profile: ChargingProfile;
  /** ISO time it was set or reported. */
  updatedAt: string;
}

/** Which profiles ClearChargingProfile removes: every given field must match (none given: all). */
export interface ProfileFilter {
  id?: number;
  evseId?: number;
  purpose?: ProfilePurpose;
  stackLevel?: number;
}

/** Charging profiles per station, by source; a profile id is unique per station and source. */
export interface ChargingProfileStore {
  /** Stores or replaces (same station, source and profile id). */
  put(record: StoredChargingProfile): Promise<void>;
  /** Both sources, ordered by evse, purpose, stack level, id. */
  list(tenantId: string, stationId: string): Promise<StoredChargingProfile[]>;
  /** Removes the matching profiles of one source; resolves with how many went. */
  clear(tenantId: string, stationId: string, source: ProfileSource, filter: ProfileFilter): Promise<number>;
}
