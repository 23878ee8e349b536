import type { ChangeConfigurationInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

export const command = sendOnly('ChangeConfiguration');

export function toOcpp(input: ChangeConfigurationInput): { key: string; value: string } {
  return { key: input.key, value: input.value };
}
