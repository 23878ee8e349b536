import { signCertificateHandler } from '../shared/certificates.js';

/** SignCertificate (1.6 security whitepaper): as 2.x, for the ChargePointCertificate; its answer has no statusInfo. */
export const signCertificate = signCertificateHandler('ChargePointCertificate', false);
