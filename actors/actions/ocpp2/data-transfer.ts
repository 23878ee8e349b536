import { inboundDataTransfer, type InboundDataTransfer } from '../shared/inbound-data-transfer.js';
import type { DataTransferInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

/** CSMS → station side of DataTransfer (it goes both ways; the station side is `dataTransfer` below). */
export const command = sendOnly('DataTransfer');

/** 2.x `data` is any JSON. */
export function toOcpp(input: DataTransferInput): Record<string, unknown> {
  return defined({ vendorId: input.vendorId, messageId: input.messageId, data: input.data });
}

/** Station → CSMS: the vendor registry answers (shared/inbound-data-transfer.ts); 2.x `data` is any JSON. */
export function dataTransfer(ctx: Parameters<typeof inboundDataTransfer>[0], req: InboundDataTransfer) {
  return inboundDataTransfer(ctx, req, (data) => data);
}
