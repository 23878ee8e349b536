import { correlated, type CorrelatedAnswer, type CorrelatedRequest } from '../request-correlation.js';
import type { CommandSpec } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

/** The version-neutral input of CustomerInformation (2.x only; 1.6 has no such action). */
export interface CustomerInformationInput {
  requestId?: number;
  /** Send the customer's data back (NotifyCustomerInformation pages). */
  report: boolean;
  /** Delete the customer's data on the station. */
  clear: boolean;
  customerIdentifier?: string;
  idToken?: { idToken: string; type: string };
  customerCertificate?: { hashAlgorithm: string; issuerNameHash: string; issuerKeyHash: string; serialNumber: string };
}

export function toOcpp(input: CustomerInformationInput): object {
  return defined({
    requestId: input.requestId,
    report: input.report,
    clear: input.clear,
    customerIdentifier: input.customerIdentifier,
    idToken: input.idToken,
    customerCertificate: input.customerCertificate,
  });
}

/** Which identifier named the customer; the identifier itself is personal data and is not kept. */
function identifiedBy(req: CorrelatedRequest): string[] {
  return ['customerIdentifier', 'idToken', 'customerCertificate'].filter((k) => req[k] !== undefined);
}

const base = correlated('CustomerInformation');

/**
 * CustomerInformation → NotifyCustomerInformation (correlated by requestId, pages kept per
 * request). A `clear` the station accepted is recorded as a station event (kind
 * customer-information, type `cleared`: when, by which request, identified by which field; never
 * the identifier), so an operator can show that the data was deleted, whoever sent the command.
 */
export const command: CommandSpec<CorrelatedRequest, CorrelatedAnswer> = {
  action: base.action,
  prepare: base.prepare,
  async onResult(ctx, req, res) {
    const cleared = req?.clear === true && res.status === 'Accepted' && typeof req.requestId === 'number';
    const at = ctx.clock().toISOString();
    await Promise.all([
      base.onResult!(ctx, req, res),
      cleared
        ? ctx.store.stationEvents.record([{
          tenantId: ctx.tenantId, stationId: ctx.stationId, kind: 'customer-information', type: 'cleared', at, receivedAt: at,
          requestId: req.requestId as number, payload: { clear: true, report: req.report === true, identifiedBy: identifiedBy(req) },
        }])
        : undefined,
    ]);
  },
};
