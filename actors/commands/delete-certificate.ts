import type { DeleteCertificateInput } from '../actions/shared/certificates.js';
import * as v16 from '../actions/ocpp16/delete-certificate.js';
import * as v2 from '../actions/ocpp2/delete-certificate.js';
import { stationCommand } from './command.js';

/** Delete a certificate from a station, named by its hash data. */
export const deleteCertificate = stationCommand<DeleteCertificateInput>('DeleteCertificate', { ocpp16: v16, ocpp2: v2 });
