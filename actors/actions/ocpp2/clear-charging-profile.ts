import type { ProfileFilter } from '../../../core/ports/store/charging-profile-store.js';
import type { CommandSpec } from '../command-spec.js';
import { profilesCleared } from '../shared/charging-profiles.js';
import { purposeFromWire, purposeToWire } from '../../../core/charging-profile.js';

export interface ClearChargingProfileRequest2 {
  chargingProfileId?: number;
  chargingProfileCriteria?: { evseId?: number; chargingProfilePurpose?: string; stackLevel?: number };
}

/** What the station cleared is cleared from what the CSMS tracks (only when it says Accepted). */
export const command: CommandSpec<ClearChargingProfileRequest2, { status: string }> = {
  action: 'ClearChargingProfile',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await profilesCleared(ctx, filterOf(req));
  },
};

export function filterOf(req: ClearChargingProfileRequest2): ProfileFilter {
  const c = req.chargingProfileCriteria ?? {};
  return {
    ...(req.chargingProfileId !== undefined ? { id: req.chargingProfileId } : {}),
    ...(c.evseId !== undefined ? { evseId: c.evseId } : {}),
    ...(c.chargingProfilePurpose !== undefined ? { purpose: purposeFromWire(c.chargingProfilePurpose) } : {}),
    ...(c.stackLevel !== undefined ? { stackLevel: c.stackLevel } : {}),
  };
}

export function toOcpp(filter: ProfileFilter): ClearChargingProfileRequest2 {
  const criteria = {
    ...(filter.evseId !== undefined ? { evseId: filter.evseId } : {}),
    ...(filter.purpose !== undefined ? { chargingProfilePurpose: purposeToWire(filter.purpose, '2.x') } : {}),
    ...(filter.stackLevel !== undefined ? { stackLevel: filter.stackLevel } : {}),
  };
  return { ...(filter.id !== undefined ? { chargingProfileId: filter.id } : {}), ...(Object.keys(criteria).length ? { chargingProfileCriteria: criteria } : {}) };
}
