/**
 * CSMS→station commands sent through the REST API (`commands` scenario and the
 * reconnect-storm probe): cheap, side-effect-free actions every station answers.
 */
import type { OcppVersion } from '../sim/payloads.js';

export interface Command {
  action: string;
  payload: Record<string, unknown>;
}

const v16: Command[] = [
  { action: 'GetConfiguration', payload: { key: ['HeartbeatInterval'] } },
  { action: 'ChangeAvailability', payload: { connectorId: 0, type: 'Operative' } },
  { action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' } },
  { action: 'UnlockConnector', payload: { connectorId: 1 } },
];

const v2: Command[] = [
  { action: 'GetVariables', payload: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] } },
  { action: 'ChangeAvailability', payload: { operationalStatus: 'Operative' } },
  { action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' } },
  { action: 'UnlockConnector', payload: { evseId: 1, connectorId: 1 } },
];

/** The n-th command of the rotation for a station of version `v`. */
export function commandFor(v: OcppVersion, n: number): Command {
  const list = v === 'ocpp1.6' ? v16 : v2;
  return list[n % list.length];
}

/** A read-only command, used to check that the CSMS can still reach a station. */
export function probeFor(v: OcppVersion): Command {
  return commandFor(v, 0);
}
