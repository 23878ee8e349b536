import * as v16 from '../actions/ocpp16/extended-trigger-message.js';
import * as v2 from '../actions/ocpp2/trigger-message.js';
import { stationCommand } from './command.js';

/**
 * Ask a station to renew its certificate: it answers, then sends a SignCertificate with a new CSR
 * (2.x TriggerMessage SignChargingStationCertificate, 1.6 ExtendedTriggerMessage SignChargePointCertificate).
 */
export const renewCertificate = stationCommand<Record<string, never>>('RenewCertificate', {
  ocpp16: { command: v16.command, toOcpp: () => v16.toOcpp({ message: 'SignChargePointCertificate' }) },
  ocpp2: { command: v2.command, toOcpp: () => v2.toOcpp({ message: 'SignChargingStationCertificate' }) },
});
