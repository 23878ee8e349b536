import type { OcppVersion } from './protocols.js';

/**
 * Version-neutral operator commands and how each maps onto OCPP 1.6 and 2.x. Addressing uses
 * the 2.x model (EVSE + connector); a 1.6 connector N is EVSE N (see version-mapping.ts), so
 * `evseId` becomes the 1.6 `connectorId` and 0 means the whole station.
 */
export type Mapped = { action: string; payload: Record<string, unknown> };

/** Thrown when a command cannot be expressed in the station's version. */
export class WrongProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrongProtocolError';
  }
}

const is16 = (v: OcppVersion) => v === 'ocpp1.6';
const only = (v: OcppVersion, want: '1.6' | '2.x', hint: string) => {
  if (is16(v) !== (want === '1.6')) throw new WrongProtocolError(`This station speaks ${v}; ${hint}`);
};
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const evse = (evseId?: number, connectorId?: number) =>
  evseId === undefined ? undefined : defined({ id: evseId, connectorId });

export interface ResetBody { type: 'Soft' | 'Hard' | 'OnIdle' | 'Immediate'; evseId?: number }
export function mapReset(v: OcppVersion, b: ResetBody): Mapped {
  if (is16(v)) {
    if (b.evseId !== undefined) throw new WrongProtocolError('OCPP 1.6 resets the whole station; omit evseId');
    return { action: 'Reset', payload: { type: b.type === 'Hard' || b.type === 'Immediate' ? 'Hard' : 'Soft' } };
  }
  return { action: 'Reset', payload: defined({ type: b.type === 'Hard' || b.type === 'Immediate' ? 'Immediate' : 'OnIdle', evseId: b.evseId }) };
}

export interface AvailabilityBody { operative: boolean; evseId?: number; connectorId?: number }
export function mapAvailability(v: OcppVersion, b: AvailabilityBody): Mapped {
  const status = b.operative ? 'Operative' : 'Inoperative';
  if (is16(v)) {
    if (b.connectorId !== undefined && b.connectorId > 1) throw new WrongProtocolError('OCPP 1.6 has one connector per EVSE; address it by evseId');
    return { action: 'ChangeAvailability', payload: { connectorId: b.evseId ?? 0, type: status } };
  }
  if (b.connectorId !== undefined && b.evseId === undefined) throw new WrongProtocolError('connectorId needs evseId in OCPP 2.x');
  return { action: 'ChangeAvailability', payload: defined({ operationalStatus: status, evse: evse(b.evseId, b.connectorId) }) };
}

export interface UnlockBody { evseId: number; connectorId?: number }
export function mapUnlock(v: OcppVersion, b: UnlockBody): Mapped {
  if (is16(v)) return { action: 'UnlockConnector', payload: { connectorId: b.evseId } };
  return { action: 'UnlockConnector', payload: { evseId: b.evseId, connectorId: b.connectorId ?? 1 } };
}

export interface TriggerBody { message: string; evseId?: number; connectorId?: number }
export function mapTrigger(v: OcppVersion, b: TriggerBody): Mapped {
  if (is16(v)) return { action: 'TriggerMessage', payload: defined({ requestedMessage: b.message, connectorId: b.evseId }) };
  return { action: 'TriggerMessage', payload: defined({ requestedMessage: b.message, evse: evse(b.evseId, b.connectorId) }) };
}

export function mapGetConfiguration(v: OcppVersion, keys: string[] | undefined): Mapped {
  only(v, '1.6', 'read its device model with POST /stations/{id}/variables/get');
  return { action: 'GetConfiguration', payload: keys && keys.length > 0 ? { key: keys } : {} };
}

export interface ChangeConfigurationBody { key: string; value: string }
export function mapChangeConfiguration(v: OcppVersion, b: ChangeConfigurationBody): Mapped {
  only(v, '1.6', 'change its device model with POST /stations/{id}/variables/set');
  return { action: 'ChangeConfiguration', payload: { key: b.key, value: b.value } };
}

export interface VariableRef {
  component: string;
  componentInstance?: string;
  evseId?: number;
  connectorId?: number;
  variable: string;
  variableInstance?: string;
  attributeType?: string;
}

function component(r: VariableRef) {
  return defined({ name: r.component, instance: r.componentInstance, evse: evse(r.evseId, r.connectorId) });
}
function variable(r: VariableRef) {
  return defined({ name: r.variable, instance: r.variableInstance });
}

export function mapGetVariables(v: OcppVersion, b: { variables: VariableRef[] }): Mapped {
  only(v, '2.x', 'read its configuration with GET /stations/{id}/configuration');
  return {
    action: 'GetVariables',
    payload: { getVariableData: b.variables.map((r) => defined({ component: component(r), variable: variable(r), attributeType: r.attributeType })) },
  };
}

export function mapSetVariables(v: OcppVersion, b: { variables: Array<VariableRef & { value: string }> }): Mapped {
  only(v, '2.x', 'change its configuration with PUT /stations/{id}/configuration');
  return {
    action: 'SetVariables',
    payload: {
      setVariableData: b.variables.map((r) =>
        defined({ attributeValue: r.value, attributeType: r.attributeType, component: component(r), variable: variable(r) }),
      ),
    },
  };
}

export function mapClearCache(): Mapped {
  return { action: 'ClearCache', payload: {} };
}

export interface DataTransferBody { vendorId: string; messageId?: string; data?: unknown }
export function mapDataTransfer(v: OcppVersion, b: DataTransferBody): Mapped {
  // 1.6 `data` is a string; 2.x allows any JSON. Non-strings are JSON-encoded for 1.6.
  const data = is16(v) && b.data !== undefined && typeof b.data !== 'string' ? JSON.stringify(b.data) : b.data;
  return { action: 'DataTransfer', payload: defined({ vendorId: b.vendorId, messageId: b.messageId, data }) };
}
