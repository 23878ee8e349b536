import { sendOnly } from '../command-spec.js';

export const command = sendOnly('GetLocalListVersion');

export function toOcpp(): Record<string, never> {
  return {};
}

/** The version the station reports (0 when it has no list). */
export function fromOcpp(res: { versionNumber: number }): number {
  return res.versionNumber;
}
