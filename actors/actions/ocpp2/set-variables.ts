import type { SetVariablesInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';
import { componentOf, variableOf } from './device-model-refs.js';

export const command = sendOnly('SetVariables');

export function toOcpp(input: SetVariablesInput): { setVariableData: Array<Record<string, unknown>> } {
  return {
    setVariableData: input.variables.map((r) =>
      defined({ attributeValue: r.value, attributeType: r.attributeType, component: componentOf(r), variable: variableOf(r) }),
    ),
  };
}
