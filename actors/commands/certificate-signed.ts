import type { CertificateSignedInput } from '../actions/shared/certificates.js';
import * as v16 from '../actions/ocpp16/certificate-signed.js';
import * as v2 from '../actions/ocpp2/certificate-signed.js';
import { stationCommand } from './command.js';

/** Send a station its signed certificate chain (the signer after a SignCertificate; an operator with a chain from elsewhere). */
export const certificateSigned = stationCommand<CertificateSignedInput>('CertificateSigned', { ocpp16: v16, ocpp2: v2 });
