import { sendOnly } from '../command-spec.js';
import { defined } from '../payload-helpers.js';

/** ExtendedTriggerMessage (1.6 security whitepaper): TriggerMessage plus the whitepaper's messages (SignChargePointCertificate…). */
export const command = sendOnly('ExtendedTriggerMessage');

export function toOcpp(input: { message: string; connectorId?: number }): Record<string, unknown> {
  return defined({ requestedMessage: input.message, connectorId: input.connectorId });
}
