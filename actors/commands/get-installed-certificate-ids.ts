import type { InstalledCertificatesInput } from '../actions/shared/certificates.js';
import * as v16 from '../actions/ocpp16/get-installed-certificate-ids.js';
import * as v2 from '../actions/ocpp2/get-installed-certificate-ids.js';
import { stationCommand } from './command.js';

/** Ask a station which certificates it holds; its answer becomes the inventory of those types. */
export const getInstalledCertificateIds = stationCommand<InstalledCertificatesInput>('GetInstalledCertificateIds', { ocpp16: v16, ocpp2: v2 });
