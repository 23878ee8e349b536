import { IDTAG_TYPE_16 } from '../../../core/transaction-mapping-16.js';
import type { RemoteStartInput } from '../command-inputs.js';
import type { CommandSpec } from '../command-spec.js';
import { refuseReservedStart } from '../shared/reservations.js';

export interface RequestStartTransactionRequest {
  idToken: { idToken: string; type: string };
  remoteStartId?: number;
  evseId?: number;
  [key: string]: unknown;
}

/**
 * The station echoes remoteStartId in its TransactionEvent, which is how the transaction is found
 * again and why its token is vouched for (see authorize-token.ts). Without one the CSMS issues
 * it, whoever sent the command. A caller's own id is kept as given and not recorded: the CSMS
 * only vouches for ids it issued. A token other than the reservation's on a reserved EVSE is
 * refused first (409 EVSE_RESERVED).
 */
export const command: CommandSpec<RequestStartTransactionRequest> = {
  action: 'RequestStartTransaction',
  async prepare(ctx, req) {
    // Runs before the schema check: a malformed request is left for the gateway to refuse.
    if (typeof req.idToken?.idToken !== 'string') return req;
    await refuseReservedStart(ctx, req.idToken, typeof req.evseId === 'number' ? req.evseId : undefined);
    if (typeof req.remoteStartId === 'number') {
      ctx.note('remoteStartId', req.remoteStartId);
      return req;
    }
    const remoteStartId = await ctx.store.transactions.recordRemoteStart({
      tenantId: ctx.tenantId,
      stationId: ctx.stationId,
      idToken: req.idToken.idToken,
      evseId: typeof req.evseId === 'number' ? req.evseId : null,
      at: ctx.clock().toISOString(),
    });
    ctx.note('remoteStartId', remoteStartId);
    return { ...req, remoteStartId };
  },
};

/** remoteStartId is left to `prepare`. A token without type is sent as ISO14443 (an RFID card). */
export function toOcpp(input: RemoteStartInput): RequestStartTransactionRequest {
  return { idToken: { idToken: input.idToken, type: input.type ?? IDTAG_TYPE_16 }, ...(input.evseId ? { evseId: input.evseId } : {}) };
}
