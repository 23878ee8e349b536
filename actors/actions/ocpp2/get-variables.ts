import type { GetVariablesInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';
import { componentOf, variableOf } from './device-model-refs.js';

export const command = sendOnly('GetVariables');

export function toOcpp(input: GetVariablesInput): { getVariableData: Array<Record<string, unknown>> } {
  return {
    getVariableData: input.variables.map((r) => defined({ component: componentOf(r), variable: variableOf(r), attributeType: r.attributeType })),
  };
}
