import type { HandlerContext } from '../../handler-context.js';
import { authorize } from '../ocpp2/authorize.js';
import { get15118EVCertificate } from '../ocpp2/get-15118-ev-certificate.js';
import { getCertificateStatus } from '../ocpp2/get-certificate-status.js';
import type { VendorHandler } from '../shared/vendor-extensions.js';

/**
 * ISO 15118 Plug & Charge for OCPP 1.6 (OCA whitepaper "Using ISO 15118 Plug & Charge with OCPP
 * 1.6"): the 2.0.1 messages travel in DataTransfer with this vendorId, the messageId naming the
 * 2.0.1 action and `data` its request as a JSON string; the answer's `data` is the 2.0.1
 * response as a JSON string. The 1.6 security whitepaper itself has no GetCertificateStatus.
 * Served by the same handlers as 2.x (OCSP, C07, the contract-certificate provider).
 */
export const PNC_VENDOR_ID = 'org.openchargealliance.iso15118pnc';

type PncHandler = (ctx: HandlerContext, request: any) => Promise<Record<string, unknown>>;

const PNC_MESSAGES: Readonly<Record<string, PncHandler>> = {
  authorize: authorize as PncHandler,
  getcertificatestatus: getCertificateStatus as PncHandler,
  get15118evcertificate: get15118EVCertificate as PncHandler,
};

/** The built-in handler of a 1.6 Plug & Charge DataTransfer, or undefined for any other vendor. */
export function pncDataTransfer(ctx: HandlerContext, vendorId: string, messageId: string | undefined): VendorHandler | 'UnknownMessageId' | undefined {
  if (vendorId.toLowerCase() !== PNC_VENDOR_ID) return undefined;
  const handler = messageId !== undefined ? PNC_MESSAGES[messageId.toLowerCase()] : undefined;
  if (!handler) return 'UnknownMessageId';
  return async (message) => {
    let request: unknown;
    try {
      request = typeof message.data === 'string' ? JSON.parse(message.data) : undefined;
    } catch {
      return { status: 'Rejected' };
    }
    if (!request || typeof request !== 'object') return { status: 'Rejected' };
    return { status: 'Accepted', data: JSON.stringify(await handler(ctx, request)) };
  };
}
