import type { OcspFailure } from '../../../core/ocsp.js';

/** StatusInfo reason codes (at most 20 characters) for an OCSP lookup that failed. */
export const OCSP_REASON_CODE: Record<OcspFailure, string> = {
  'bad-hash-data': 'BadHashData',
  unreachable: 'ResponderUnreachable',
  'http-status': 'ResponderHttpError',
  'malformed-response': 'MalformedResponse',
  'responder-refused': 'ResponderRefused',
  'no-matching-response': 'WrongCertificate',
  'bad-signature': 'BadSignature',
  'responder-unauthorised': 'ResponderNotTrusted',
  'stale-response': 'StaleResponse',
};

/** StatusInfoType.additionalInfo holds at most 512 characters. */
export function additionalInfo(message: string): string {
  return message.length > 512 ? `${message.slice(0, 509)}...` : message;
}
