import type { InstallCertificateInput } from '../actions/shared/certificates.js';
import * as v16 from '../actions/ocpp16/install-certificate.js';
import * as v2 from '../actions/ocpp2/install-certificate.js';
import { stationCommand } from './command.js';

/** Install a root certificate on a station (CSMS root, manufacturer root; 2.x also V2G and MO roots). */
export const installCertificate = stationCommand<InstallCertificateInput>('InstallCertificate', { ocpp16: v16, ocpp2: v2 });
