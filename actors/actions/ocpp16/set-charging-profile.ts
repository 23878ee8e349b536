import { fromOcpp, toOcpp16, type ChargingProfile } from '../../../core/charging-profile.js';
import type { CommandSpec } from '../command-spec.js';
import { profileSet } from '../shared/charging-profiles.js';

export interface SetChargingProfileRequest16 {
  connectorId: number;
  csChargingProfiles: Record<string, unknown>;
}

/** An accepted profile is kept as what the station holds, whoever sent it (typed, generic, NATS). */
export const command: CommandSpec<SetChargingProfileRequest16, { status: string }> = {
  action: 'SetChargingProfile',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await profileSet(ctx, req.connectorId, fromOcpp(req.csChargingProfiles));
  },
};

export function toOcpp(input: { evseId: number; profile: ChargingProfile }): SetChargingProfileRequest16 {
  return { connectorId: input.evseId, csChargingProfiles: toOcpp16(input.profile) };
}
