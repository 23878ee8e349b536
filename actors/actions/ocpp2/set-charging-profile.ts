import { fromOcpp, toOcpp2, type ChargingProfile } from '../../../core/charging-profile.js';
import type { CommandSpec } from '../command-spec.js';
import { profileSet } from '../shared/charging-profiles.js';

export interface SetChargingProfileRequest2 {
  evseId: number;
  chargingProfile: Record<string, unknown>;
}

/** An accepted profile is kept as what the station holds, whoever sent it (typed, generic, NATS). */
export const command: CommandSpec<SetChargingProfileRequest2, { status: string }> = {
  action: 'SetChargingProfile',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await profileSet(ctx, req.evseId, fromOcpp(req.chargingProfile));
  },
};

export function toOcpp(input: { evseId: number; profile: ChargingProfile }): SetChargingProfileRequest2 {
  return { evseId: input.evseId, chargingProfile: toOcpp2(input.profile) };
}
