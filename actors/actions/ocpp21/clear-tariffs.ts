import type { ClearTariffsInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { tariffsCleared } from '../shared/tariffs.js';

export interface ClearTariffsRequest {
  tariffIds?: string[];
  evseId?: number;
}

interface ClearTariffsResponse {
  clearTariffsResult: Array<{ tariffId?: string; status: string; statusInfo?: { reasonCode: string } }>;
}

/** The tariffs the station cleared are no longer assigned to it (or to that EVSE), whoever sent it. */
export const command: CommandSpec<ClearTariffsRequest, ClearTariffsResponse> = {
  action: 'ClearTariffs',
  async onResult(ctx, req, res) {
    const cleared = res.clearTariffsResult.filter((r) => r.status === 'Accepted' && r.tariffId !== undefined).map((r) => r.tariffId!);
    if (cleared.length > 0) await tariffsCleared(ctx, req.evseId, cleared);
  },
};

export function toOcpp(input: ClearTariffsInput): ClearTariffsRequest {
  return { ...(input.tariffIds ? { tariffIds: input.tariffIds } : {}), ...(input.evseId !== undefined ? { evseId: input.evseId } : {}) };
}

export function fromOcpp(res: ClearTariffsResponse): { results: Array<{ tariffId: string | null; status: string; reason: string | null }> } {
  return { results: res.clearTariffsResult.map((r) => ({ tariffId: r.tariffId ?? null, status: r.status, reason: r.statusInfo?.reasonCode ?? null })) };
}
