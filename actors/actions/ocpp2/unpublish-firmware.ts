import type { UnpublishFirmwareInput } from '../command-inputs.js';
import { sendOnly } from '../command-spec.js';

/** 2.x UnpublishFirmware: answered at once (Unpublished, NoFirmware, DownloadOngoing); nothing follows. */
export const command = sendOnly('UnpublishFirmware');

export function toOcpp(input: UnpublishFirmwareInput): Record<string, unknown> {
  return { checksum: input.checksum };
}
