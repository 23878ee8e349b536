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

/**
 * A value a station reported or accepted outside a report: 2.x NotifyEvent's actualValue,
 * GetVariables/SetVariables results, 1.6 GetConfiguration/ChangeConfiguration (component
 * `OCPP16_COMPONENT`).
 */
export interface ActualValueUpdate {
  component: ComponentRef;
  variable: VariableRef;
  value: string;
  at: string;
  /** The attribute the value is of (Actual, Target, MinSet, MaxSet); Actual when absent. */
  type?: string;
  /** Set on the attribute when given (1.6 GetConfiguration's readonly flag). */
  mutability?: string;
}

/**
 * The entry after a value arrived: the attribute of its type (Actual unless said) takes the value
 * (added when the variable had none, or was never reported); characteristics and the other
 * attributes stay as the last report said, and so does mutability unless the update gives one.
 * An older value than the entry's report changes nothing.
 */
export function withActualValue(entry: DeviceModelEntry | undefined, update: ActualValueUpdate): DeviceModelEntry {
  const type = update.type ?? 'Actual';
  const fresh: VariableAttribute = { type, value: update.value, ...(update.mutability !== undefined ? { mutability: update.mutability } : {}) };
  if (!entry) return { component: update.component, variable: update.variable, attributes: [fresh], characteristics: null, reportedAt: update.at };
  if (update.at < entry.reportedAt) return entry;
  const has = entry.attributes.some((a) => a.type === type);
  const attributes = has ? entry.attributes.map((a) => (a.type === type ? { ...a, ...fresh } : a)) : [...entry.attributes, fresh];
  return { ...entry, attributes, reportedAt: update.at };
}

/** 2.x ComponentType / VariableType as they arrive on the wire. */
export interface WireComponent {
  name: string;
  instance?: string;
  evse?: { id: number; connectorId?: number };
}

export interface WireVariable {
  name: string;
  instance?: string;
}

export function componentRef(c: WireComponent): ComponentRef {
  return {
    name: c.name,
    ...(c.instance !== undefined ? { instance: c.instance } : {}),
    ...(c.evse ? { evseId: c.evse.id } : {}),
    ...(c.evse?.connectorId !== undefined ? { connectorId: c.evse.connectorId } : {}),
  };
}

export function variableRef(v: WireVariable): VariableRef {
  return { name: v.name, ...(v.instance !== undefined ? { instance: v.instance } : {}) };
}

/** One ReportDataType of a 2.x NotifyReport. */
export interface WireReportData {
  component: WireComponent;
  variable: WireVariable;
  variableAttribute: Array<{ type?: string; value?: string; mutability?: string; persistent?: boolean; constant?: boolean }>;
  variableCharacteristics?: { unit?: string; dataType: string; minLimit?: number; maxLimit?: number; valuesList?: string; supportsMonitoring: boolean };
}

/** A NotifyReport page as device-model entries (attribute type defaults to Actual, as the schema says). */
export function reportEntries(reportData: readonly WireReportData[], reportedAt: string): DeviceModelEntry[] {
  return reportData.map((d) => ({
    component: componentRef(d.component),
    variable: variableRef(d.variable),
    attributes: d.variableAttribute.map(({ type, ...rest }) => ({ type: type ?? 'Actual', ...rest })),
    characteristics: d.variableCharacteristics
      ? (({ dataType, supportsMonitoring, ...rest }) => ({ dataType, supportsMonitoring, ...rest }))(d.variableCharacteristics)
      : null,
    reportedAt,
  }));
}
