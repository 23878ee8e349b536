/**
 * A station's device model as it reports it (2.x NotifyReport / GetVariables; 1.6 configuration
 * keys fit as component "OCPP16" variables). Stored per component+variable, last report wins.
 */
export interface ComponentRef {
  name: string;
  instance?: string;
  evseId?: number;
  connectorId?: number;
}

export interface VariableRef {
  name: string;
  instance?: string;
}

export interface VariableAttribute {
  /** Actual, Target, MinSet, MaxSet. */
  type: string;
  value?: string;
  mutability?: string;
  persistent?: boolean;
  constant?: boolean;
}

export interface VariableCharacteristics {
  dataType: string;
  unit?: string;
  minLimit?: number;
  maxLimit?: number;
  valuesList?: string;
  supportsMonitoring: boolean;
}

export interface DeviceModelEntry {
  component: ComponentRef;
  variable: VariableRef;
  attributes: VariableAttribute[];
  characteristics: VariableCharacteristics | null;
  reportedAt: string;
}

export interface DeviceModelVariable extends DeviceModelEntry {
  tenantId: string;
  stationId: string;
  /** Stable identity of component+variable within the station (see `deviceModelKey`). */
  key: string;
}

/** Sortable, unambiguous key: the parts joined by a separator that OCPP identifiers cannot contain. */
export function deviceModelKey(component: ComponentRef, variable: VariableRef): string {
  return [component.name, component.instance ?? '', component.evseId ?? '', component.connectorId ?? '', variable.name, variable.instance ?? ''].join('\u001f');
}
