import { toOcpp21Tariff } from '../../../core/tariff-ocpp21.js';
import type { ChangeTransactionTariffInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { transactionTariffChanged } from '../shared/tariffs.js';

export interface ChangeTransactionTariffRequest {
  transactionId: string;
  tariff: { tariffId: string } & Record<string, unknown>;
}

/** Accepted: the transaction's cost is computed with the new tariff, whoever sent it. */
export const command: CommandSpec<ChangeTransactionTariffRequest, { status: string }> = {
  action: 'ChangeTransactionTariff',
  async onResult(ctx, req, res) {
    if (res.status === 'Accepted') await transactionTariffChanged(ctx, req.transactionId, req.tariff.tariffId);
  },
};

export function toOcpp(input: ChangeTransactionTariffInput): ChangeTransactionTariffRequest {
  return { transactionId: input.transactionId, tariff: toOcpp21Tariff(input.tariff!) as ChangeTransactionTariffRequest['tariff'] };
}

export function fromOcpp(res: { status: string; statusInfo?: { reasonCode: string } }): { status: string; reason: string | null } {
  return { status: res.status, reason: res.statusInfo?.reasonCode ?? null };
}
