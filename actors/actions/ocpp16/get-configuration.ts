import type { GetConfigurationInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('GetConfiguration');

/** No keys: the station answers with all of them. */
export function toOcpp(input: GetConfigurationInput): { key?: string[] } {
  return input.key && input.key.length > 0 ? { key: input.key } : {};
}
