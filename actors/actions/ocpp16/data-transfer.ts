import { inboundDataTransfer, type InboundDataTransfer } from '../shared/inbound-data-transfer.js';
import type { DataTransferInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';
import type { HandlerContext } from '../../handler-context.js';
import { pncDataTransfer } from './iso15118-pnc.js';

/** CSMS → station side of DataTransfer (it goes both ways; the station side is `dataTransfer` below). */
export const command = sendOnly('DataTransfer');

/** 1.6 `data` is a string: anything else is sent JSON-encoded. */
export function toOcpp(input: DataTransferInput): Record<string, unknown> {
  const data = input.data !== undefined && typeof input.data !== 'string' ? JSON.stringify(input.data) : input.data;
  return defined({ vendorId: input.vendorId, messageId: input.messageId, data });
}

/**
 * Station → CSMS: the vendor registry answers (shared/inbound-data-transfer.ts); 1.6 `data` goes back as a string.
 * ISO 15118 Plug & Charge messages (vendorId org.openchargealliance.iso15118pnc) are Switchyard's own (iso15118-pnc.ts).
 */
export function dataTransfer(ctx: HandlerContext, req: InboundDataTransfer) {
  return inboundDataTransfer(ctx, req, (data) => (typeof data === 'string' ? data : JSON.stringify(data)), pncDataTransfer(ctx, req.vendorId, req.messageId));
}
