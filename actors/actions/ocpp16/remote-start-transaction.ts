import { CsmsError } from '../../../core/errors.js';
import type { RemoteStartInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { refuseReservedStart } from '../shared/reservations.js';

export interface RemoteStartTransactionRequest { idTag: string; connectorId?: number; chargingProfile?: unknown }

/**
 * 1.6 carries no remoteStartId: the CSMS records the remote start before it goes out, and the
 * StartTransaction that follows (same station and idTag, within 10 minutes) borrows its id. The
 * record is made here, whoever sends the command, so the correlation never depends on the path.
 * A token other than the reservation's on a reserved connector is refused first (409 EVSE_RESERVED).
 */
export const command: CommandSpec<RemoteStartTransactionRequest> = {
  action: 'RemoteStartTransaction',
  async prepare(ctx, req) {
    // Runs before the schema check: a malformed request is left for the gateway to refuse.
    if (typeof req.idTag !== 'string') return req;
    await refuseReservedStart(ctx, { idToken: req.idTag }, typeof req.connectorId === 'number' && req.connectorId > 0 ? req.connectorId : undefined);
    const remoteStartId = await ctx.store.transactions.recordRemoteStart({
      tenantId: ctx.tenantId,
      stationId: ctx.stationId,
      idToken: req.idTag,
      evseId: typeof req.connectorId === 'number' ? req.connectorId : null,
      at: ctx.clock().toISOString(),
    });
    ctx.note('remoteStartId', remoteStartId);
    return req;
  },
};

export function toOcpp(input: RemoteStartInput): RemoteStartTransactionRequest {
  if (input.idToken.length > 20) throw new CsmsError('VALIDATION_FAILED', 'A 1.6 idTag has at most 20 characters');
  return input.evseId ? { idTag: input.idToken, connectorId: input.evseId } : { idTag: input.idToken };
}
