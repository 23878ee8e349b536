import { changeConfigurationUpdates16 } from '../../../core/configuration-results.js';
import type { ChangeConfigurationInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';

/** An Accepted or RebootRequired value becomes the key's stored value (component OCPP16), whoever sent the call. */
export const command: CommandSpec<{ key: string; value: string }, { status: string }> = {
  action: 'ChangeConfiguration',
  async onResult(ctx, req, res) {
    const updates = changeConfigurationUpdates16(req.key, req.value, res.status, ctx.clock().toISOString());
    if (updates.length > 0) await ctx.store.deviceModel.recordActualValues(ctx.tenantId, ctx.stationId, updates);
  },
};

export function toOcpp(input: ChangeConfigurationInput): { key: string; value: string } {
  return { key: input.key, value: input.value };
}
