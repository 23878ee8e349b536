import { purposeFromWire, purposeToWire } from '../../../core/charging-profile.js';
import { WrongProtocolError } from '../../../core/errors.js';
import type { ProfileFilter } from '../../../core/ports/store/charging-profile-store.js';
import type { CommandSpec } from '../command-spec.js';
import { profilesCleared } from '../shared/charging-profiles.js';

export interface ClearChargingProfileRequest16 {
  id?: number;
  connectorId?: number;
  chargingProfilePurpose?: string;
  stackLevel?: number;
}

/** What the station cleared is cleared from what the CSMS tracks (only when it says Accepted). */
export const command: CommandSpec<ClearChargingProfileRequest16, { status: string }> = {
  action: 'ClearChargingProfile',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await profilesCleared(ctx, {
      ...(req.id !== undefined ? { id: req.id } : {}),
      ...(req.connectorId !== undefined ? { evseId: req.connectorId } : {}),
      ...(req.chargingProfilePurpose !== undefined ? { purpose: purposeFromWire(req.chargingProfilePurpose) } : {}),
      ...(req.stackLevel !== undefined ? { stackLevel: req.stackLevel } : {}),
    });
  },
};

export function toOcpp(filter: ProfileFilter): ClearChargingProfileRequest16 {
  const purpose = filter.purpose !== undefined ? purposeToWire(filter.purpose, '1.6') : undefined;
  if (filter.purpose !== undefined && !purpose) throw new WrongProtocolError(`${filter.purpose} profiles do not exist in OCPP 1.6`, { protocol: 'ocpp1.6' });
  return {
    ...(filter.id !== undefined ? { id: filter.id } : {}),
    ...(filter.evseId !== undefined ? { connectorId: filter.evseId } : {}),
    ...(purpose !== undefined ? { chargingProfilePurpose: purpose } : {}),
    ...(filter.stackLevel !== undefined ? { stackLevel: filter.stackLevel } : {}),
  };
}
