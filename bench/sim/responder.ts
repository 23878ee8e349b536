/**
 * How a simulated station answers CSMS→station calls: a valid, "Accepted"-style response
 * for the actions it knows, per OCPP version, and `undefined` (→ CALLERROR NotSupported)
 * for anything else. Stations never act on commands (a Reset does not reboot), except
 * TriggerMessage, which sends the requested message afterwards like a real station.
 */
import type { OcppVersion } from './payloads.js';

type Payload = Record<string, unknown>;
type Answer = (req: Payload) => Payload;

const accepted: Answer = () => ({ status: 'Accepted' });

const ocpp16: Record<string, Answer> = {
  Reset: accepted,
  ChangeAvailability: accepted,
  ChangeConfiguration: accepted,
  ClearCache: accepted,
  RemoteStartTransaction: accepted,
  RemoteStopTransaction: accepted,
  TriggerMessage: accepted,
  SetChargingProfile: accepted,
  ClearChargingProfile: accepted,
  SendLocalList: accepted,
  ReserveNow: accepted,
  CancelReservation: accepted,
  UnlockConnector: () => ({ status: 'Unlocked' }),
  GetLocalListVersion: () => ({ listVersion: 0 }),
  GetCompositeSchedule: () => ({ status: 'Rejected' }),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  GetDiagnostics: () => ({}),
  UpdateFirmware: () => ({}),
  GetConfiguration: (req) => {
    const known: Record<string, string> = { HeartbeatInterval: '300', MeterValueSampleInterval: '60', NumberOfConnectors: '1' };
    const asked = Array.isArray(req.key) ? (req.key as string[]) : Object.keys(known);
    return {
      configurationKey: asked.filter((k) => k in known).map((key) => ({ key, readonly: false, value: known[key] })),
      unknownKey: asked.filter((k) => !(k in known)),
    };
  },
};

const ocpp2: Record<string, Answer> = {
  Reset: accepted,
  ChangeAvailability: accepted,
  ClearCache: accepted,
  RequestStartTransaction: accepted,
  RequestStopTransaction: accepted,
  TriggerMessage: accepted,
  SetChargingProfile: accepted,
  ClearChargingProfile: accepted,
  GetBaseReport: accepted,
  GetReport: accepted,
  SendLocalList: accepted,
  ReserveNow: accepted,
  CancelReservation: accepted,
  SetNetworkProfile: accepted,
  UpdateFirmware: accepted,
  CustomerInformation: accepted,
  SetDisplayMessage: accepted,
  ClearDisplayMessage: accepted,
  UnlockConnector: () => ({ status: 'Unlocked' }),
  GetLocalListVersion: () => ({ versionNumber: 0 }),
  GetTransactionStatus: () => ({ messagesInQueue: false }),
  GetCompositeSchedule: () => ({ status: 'Rejected' }),
  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  GetInstalledCertificateIds: () => ({ status: 'NotFound' }),
  GetVariables: (req) => ({
    getVariableResult: list(req.getVariableData).map((d) => ({
      attributeStatus: 'Accepted',
      attributeValue: '0',
      component: d.component,
      variable: d.variable,
    })),
  }),
  SetVariables: (req) => ({
    setVariableResult: list(req.setVariableData).map((d) => ({
      attributeStatus: 'Accepted',
      component: d.component,
      variable: d.variable,
    })),
  }),
};

function list(value: unknown): Payload[] {
  return Array.isArray(value) ? (value as Payload[]) : [];
}

export interface Reply {
  /** Response payload, or undefined when the action is not supported. */
  payload?: Payload;
  /** A message the station should send after replying (TriggerMessage). */
  followUp?: string;
}

export function answer(version: OcppVersion, action: string, req: Payload): Reply {
  const table = version === 'ocpp1.6' ? ocpp16 : ocpp2;
  const fn = Object.hasOwn(table, action) ? table[action] : undefined;
  if (!fn) return {};
  const payload = fn(req ?? {});
  if (action === 'TriggerMessage') {
    const requested = String(req?.requestedMessage ?? '');
    return { payload, followUp: requested };
  }
  return { payload };
}
