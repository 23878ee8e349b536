import * as v16 from '../actions/ocpp16/extended-trigger-message.js';
import * as v2 from '../actions/ocpp2/trigger-message.js';
import { stationCommand } from './command.js';

/** Which certificate to renew: the station's own (default) or, 2.x, its ISO 15118 SECC certificate. */
export interface RenewCertificateInput {
  certificateType?: string;
}

/**
 * Ask a station to renew its certificate: it answers, then sends a SignCertificate with a new CSR
 * (2.x TriggerMessage SignChargingStationCertificate, or SignV2GCertificate for a V2GCertificate;
 * 1.6 ExtendedTriggerMessage SignChargePointCertificate).
 */
export const renewCertificate = stationCommand<RenewCertificateInput>('RenewCertificate', {
  ocpp16: { command: v16.command, toOcpp: () => v16.toOcpp({ message: 'SignChargePointCertificate' }) },
  ocpp2: {
    command: v2.command,
    toOcpp: (input) => v2.toOcpp({ message: input.certificateType === 'V2GCertificate' ? 'SignV2GCertificate' : 'SignChargingStationCertificate' }),
  },
});
