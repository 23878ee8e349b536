import { sendOnly } from '../command-spec.js';

export const command = sendOnly('GetLocalListVersion');

export function toOcpp(): Record<string, never> {
  return {};
}

/** The version the station reports (-1 in 1.6 when it has no list support, 0 when empty). */
export function fromOcpp(res: { listVersion: number }): number {
  return res.listVersion;
}
