import type { GatewayAnswers, RoutingTable } from '../../handler-context.js';
import { GATEWAY_ANSWERS as OCPP2_ANSWERS, NOT_SUPPORTED_INBOUND as OCPP2_NOT_SUPPORTED, STATION_INITIATED as OCPP2 } from '../ocpp2/station-initiated.js';

import { getCertificateChainStatus } from './get-certificate-chain-status.js';

/** OCPP 2.1 shares the 2.0.1 shapes of these actions; 2.1-only handlers join here. */
export const STATION_INITIATED: RoutingTable = { ...OCPP2, GetCertificateChainStatus: getCertificateChainStatus };

export const GATEWAY_ANSWERS: GatewayAnswers = { ...OCPP2_ANSWERS };

const LATER_21 = 'OCPP 2.1-only: not yet handled (DER, battery swap, periodic event streams, settlement are later work)';

/** Station-initiated 2.1 actions answered NotSupported: 2.0.1's list plus the 2.1-only actions. */
export const NOT_SUPPORTED_INBOUND: Readonly<Record<string, string>> = {
  ...OCPP2_NOT_SUPPORTED,
  BatterySwap: LATER_21,
  ClosePeriodicEventStream: LATER_21,
  NotifyDERAlarm: LATER_21,
  NotifyDERStartStop: LATER_21,
  NotifyPeriodicEventStream: LATER_21,
  NotifyPriorityCharging: LATER_21,
  NotifySettlement: LATER_21,
  OpenPeriodicEventStream: LATER_21,
  PullDynamicScheduleUpdate: LATER_21,
  ReportDERControl: LATER_21,
  VatNumberValidation: LATER_21,
};
