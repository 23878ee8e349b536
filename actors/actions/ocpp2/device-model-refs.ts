import type { VariableRef } from '../command-inputs.js';
import { defined, evseRef } from '../payload-helpers.js';

/** The ComponentType and VariableType a version-neutral variable reference names (GetVariables, SetVariables). */
export function componentOf(r: VariableRef): Record<string, unknown> {
  return defined({ name: r.component, instance: r.componentInstance, evse: evseRef(r.evseId, r.connectorId) });
}

export function variableOf(r: VariableRef): Record<string, unknown> {
  return defined({ name: r.variable, instance: r.variableInstance });
}
