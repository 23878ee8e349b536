import type { GetTariffsInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

/** What the station holds; nothing is stored (the CSMS's own assignments are in /tariff-assignments). */
export const command = sendOnly('GetTariffs');

export function toOcpp(input: GetTariffsInput): { evseId: number } {
  return { evseId: input.evseId ?? 0 };
}

interface TariffAssignment21 { tariffId: string; tariffKind: string; validFrom?: string; evseIds?: number[]; idTokens?: string[] }

export function fromOcpp(res: { status: string; tariffAssignments?: TariffAssignment21[] }): { status: string; tariffAssignments: TariffAssignment21[] } {
  return { status: res.status, tariffAssignments: res.tariffAssignments ?? [] };
}
