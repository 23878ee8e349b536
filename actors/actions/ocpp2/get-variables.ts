import { getVariablesUpdates } from '../../../core/configuration-results.js';
import type { GetVariablesInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { defined } from '../payload-helpers.js';
import { componentOf, variableOf } from './device-model-refs.js';

type GetVariablesResponse = { getVariableResult: Parameters<typeof getVariablesUpdates>[0] };

/** The values read (Accepted results) become the variables' stored values, whoever sent the call. */
export const command: CommandSpec<unknown, GetVariablesResponse> = {
  action: 'GetVariables',
  async onResult(ctx, _req, res) {
    const updates = getVariablesUpdates(res.getVariableResult ?? [], ctx.clock().toISOString());
    if (updates.length > 0) await ctx.store.deviceModel.recordActualValues(ctx.tenantId, ctx.stationId, updates);
  },
};

export function toOcpp(input: GetVariablesInput): { getVariableData: Array<Record<string, unknown>> } {
  return {
    getVariableData: input.variables.map((r) => defined({ component: componentOf(r), variable: variableOf(r), attributeType: r.attributeType })),
  };
}
