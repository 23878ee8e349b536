import { toOcpp21Tariff } from '../../../core/tariff-ocpp21.js';
import type { SetDefaultTariffInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { defaultTariffSet } from '../shared/tariffs.js';

export interface SetDefaultTariffRequest {
  evseId: number;
  tariff: { tariffId: string } & Record<string, unknown>;
}

/** Accepted: the CSMS bills that EVSE (0: the station) with the same tariff, whoever sent it. */
export const command: CommandSpec<SetDefaultTariffRequest, { status: string }> = {
  action: 'SetDefaultTariff',
  async onResult(ctx, req, res) {
    if (res.status === 'Accepted') await defaultTariffSet(ctx, req.evseId, req.tariff.tariffId);
  },
};

export function toOcpp(input: SetDefaultTariffInput): SetDefaultTariffRequest {
  return { evseId: input.evseId ?? 0, tariff: toOcpp21Tariff(input.tariff!) as SetDefaultTariffRequest['tariff'] };
}

export function fromOcpp(res: { status: string; statusInfo?: { reasonCode: string } }): { status: string; reason: string | null } {
  return { status: res.status, reason: res.statusInfo?.reasonCode ?? null };
}
