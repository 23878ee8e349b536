import { setVariablesUpdates } from '../../../core/configuration-results.js';
import type { SetVariablesInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { defined } from '../payload-helpers.js';
import { componentOf, variableOf } from './device-model-refs.js';

type SetVariablesRequest = { setVariableData: Parameters<typeof setVariablesUpdates>[0] };
type SetVariablesResponse = { setVariableResult: Parameters<typeof setVariablesUpdates>[1] };

/** Values the station took (Accepted, RebootRequired) become the stored values, whoever sent the call. */
export const command: CommandSpec<SetVariablesRequest, SetVariablesResponse> = {
  action: 'SetVariables',
  async onResult(ctx, req, res) {
    const updates = setVariablesUpdates(req.setVariableData ?? [], res.setVariableResult ?? [], ctx.clock().toISOString());
    if (updates.length > 0) await ctx.store.deviceModel.recordActualValues(ctx.tenantId, ctx.stationId, updates);
  },
};

export function toOcpp(input: SetVariablesInput): { setVariableData: Array<Record<string, unknown>> } {
  return {
    setVariableData: input.variables.map((r) =>
      defined({ attributeValue: r.value, attributeType: r.attributeType, component: componentOf(r), variable: variableOf(r) }),
    ),
  };
}
