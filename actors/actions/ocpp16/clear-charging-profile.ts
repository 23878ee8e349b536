import { purposeFromWire, type ProfilePurpose } from '../../../core/charging-profile.js';
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

const PURPOSE_16: Partial<Record<ProfilePurpose, string>> = { StationMax: 'ChargePointMaxProfile', TxDefault: 'TxDefaultProfile', Tx: 'TxProfile' };

export function toOcpp(filter: ProfileFilter): ClearChargingProfileRequest16 {
  if (filter.purpose !== undefined && !PURPOSE_16[filter.purpose]) throw new WrongProtocolError(`${filter.purpose} profiles do not exist in OCPP 1.6`, { protocol: 'ocpp1.6' });
  return {
    ...(filter.id !== undefined ? { id: filter.id } : {}),
    ...(filter.evseId !== undefined ? { connectorId: filter.evseId } : {}),
    ...(filter.purpose !== undefined ? { chargingProfilePurpose: PURPOSE_16[filter.purpose] } : {}),
    ...(filter.stackLevel !== undefined ? { stackLevel: filter.stackLevel } : {}),
  };
}
