import { signCertificateHandler } from '../shared/certificates.js';

/** SignCertificate (A02/A03): checked, recorded and signed as in shared/certificates.ts; Rejected with statusInfo saying why. */
export const signCertificate = signCertificateHandler('ChargingStationCertificate', true);
