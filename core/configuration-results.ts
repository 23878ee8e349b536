import { componentRef, variableRef, type ActualValueUpdate, type WireComponent, type WireVariable } from './device-model.js';

/**
 * What the answers to configuration commands say about a station's device model, as value
 * updates (core/device-model.ts withActualValue): 2.x GetVariables/SetVariables results and 1.6
 * GetConfiguration/ChangeConfiguration. Pure: the action files' `onResult` store them.
 *
 * 1.6 configuration keys are variables of one component, `OCPP16` (no instance, no EVSE): the key
 * is the variable name, the value its Actual attribute, `readonly` its mutability. One
 * version-neutral shape, so the device-model API browses a 1.6 station like a 2.x one.
 */
export const OCPP16_COMPONENT = 'OCPP16';

/** Statuses under which a set value is the station's value from now on (RebootRequired: after a reboot, but set). */
const SET_STATUSES = new Set(['Accepted', 'RebootRequired']);

interface WireGetVariableResult {
  attributeStatus: string;
  attributeType?: string;
  attributeValue?: string;
  component: WireComponent;
  variable: WireVariable;
}

interface WireSetVariableData {
  attributeType?: string;
  attributeValue: string;
  component: WireComponent;
  variable: WireVariable;
}

interface WireSetVariableResult {
  attributeType?: string;
  attributeStatus: string;
  component: WireComponent;
  variable: WireVariable;
}

/** 2.x GetVariables: each Accepted result that carries a value. */
export function getVariablesUpdates(results: readonly WireGetVariableResult[], at: string): ActualValueUpdate[] {
  return results
    .filter((r) => r.attributeStatus === 'Accepted' && typeof r.attributeValue === 'string')
    .map((r) => update(r.component, r.variable, r.attributeValue!, at, r.attributeType));
}

/**
 * 2.x SetVariables: the requested value of each Accepted or RebootRequired result. A result is
 * matched to its request entry by component, variable and attribute type (the answer carries no
 * value); a result that matches no entry changes nothing.
 */
/**
 * Write-only secrets (2.x SecurityCtrlr.BasicAuthPassword, 1.6 AuthorizationKey): a station never
 * reports them back and the CSMS keeps only the password's hash, so their values are not stored.
 */
export function isSecretVariable(component: string, variable: string): boolean {
  return (component === 'SecurityCtrlr' && variable === 'BasicAuthPassword') || (component === OCPP16_COMPONENT && variable === 'AuthorizationKey');
}

export function setVariablesUpdates(requested: readonly WireSetVariableData[], results: readonly WireSetVariableResult[], at: string): ActualValueUpdate[] {
  const values = new Map(requested.map((d) => [setKey(d), d.attributeValue]));
  const out: ActualValueUpdate[] = [];
  for (const r of results) {
    if (!SET_STATUSES.has(r.attributeStatus)) continue;
    if (isSecretVariable(componentRef(r.component).name, variableRef(r.variable).name)) continue;
    const value = values.get(setKey(r));
    if (value !== undefined) out.push(update(r.component, r.variable, value, at, r.attributeType));
  }
  return out;
}

/** 1.6 GetConfiguration: each known key with a value (a key the station reports without a value is left out: nothing to store). */
export function configurationUpdates16(keys: ReadonlyArray<{ key: string; readonly: boolean; value?: string }>, at: string): ActualValueUpdate[] {
  return keys
    .filter((k) => typeof k.value === 'string')
    .map((k) => ({ ...configurationKey16(k.key), value: k.value!, at, mutability: k.readonly ? 'ReadOnly' : 'ReadWrite' }));
}

/** 1.6 ChangeConfiguration: the new value once Accepted or RebootRequired; none otherwise. */
export function changeConfigurationUpdates16(key: string, value: string, status: string, at: string): ActualValueUpdate[] {
  return SET_STATUSES.has(status) && !isSecretVariable(OCPP16_COMPONENT, key) ? [{ ...configurationKey16(key), value, at }] : [];
}

/** Where a 1.6 configuration key sits in the device model. */
export function configurationKey16(key: string): Pick<ActualValueUpdate, 'component' | 'variable'> {
  return { component: { name: OCPP16_COMPONENT }, variable: { name: key } };
}

function update(component: WireComponent, variable: WireVariable, value: string, at: string, type?: string): ActualValueUpdate {
  return { component: componentRef(component), variable: variableRef(variable), value, at, ...(type !== undefined && type !== 'Actual' ? { type } : {}) };
}

function setKey(d: { attributeType?: string; component: WireComponent; variable: WireVariable }): string {
  const c = componentRef(d.component);
  const v = variableRef(d.variable);
  return [c.name, c.instance ?? '', c.evseId ?? '', c.connectorId ?? '', v.name, v.instance ?? '', d.attributeType ?? 'Actual'].join('\u001f');
}
