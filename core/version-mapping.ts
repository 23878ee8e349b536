import type { ConnectorStatus } from './types.js';

/** OCPP 1.6 ChargePointStatus → the version-neutral (2.x) connector status. */
const OCPP16_STATUS: Record<string, ConnectorStatus> = {
  Available: 'Available',
  Preparing: 'Occupied',
  Charging: 'Occupied',
  SuspendedEVSE: 'Occupied',
  SuspendedEV: 'Occupied',
  Finishing: 'Occupied',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

export function connectorStatusFrom16(status: string): ConnectorStatus {
  return Object.hasOwn(OCPP16_STATUS, status) ? OCPP16_STATUS[status]! : 'Unavailable';
}

/**
 * 1.6 numbers connectors per station; 2.x addresses EVSE + connector. We model each 1.6
 * connector N as EVSE N with connector 1, and 1.6 connector 0 as EVSE 0 (the station).
 */
export function evseFrom16(connectorId: number): { evseId: number; connectorId: number } {
  return connectorId === 0 ? { evseId: 0, connectorId: 0 } : { evseId: connectorId, connectorId: 1 };
}
