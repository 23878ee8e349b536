import { configurationUpdates16 } from '../../../core/configuration-results.js';
import type { GetConfigurationInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';

type GetConfigurationResponse = { configurationKey?: Parameters<typeof configurationUpdates16>[0]; unknownKey?: string[] };

/** The keys read go into the device model as component OCPP16 (core/configuration-results.ts), whoever sent the call. */
export const command: CommandSpec<unknown, GetConfigurationResponse> = {
  action: 'GetConfiguration',
  async onResult(ctx, _req, res) {
    const updates = configurationUpdates16(res.configurationKey ?? [], ctx.clock().toISOString());
    if (updates.length > 0) await ctx.store.deviceModel.recordActualValues(ctx.tenantId, ctx.stationId, updates);
  },
};

/** No keys: the station answers with all of them. */
export function toOcpp(input: GetConfigurationInput): { key?: string[] } {
  return input.key && input.key.length > 0 ? { key: input.key } : {};
}
