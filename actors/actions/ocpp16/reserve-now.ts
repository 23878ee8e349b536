import { fromReserveNow, toReserveNow16, type ReserveNow16, type ReservationInput } from '../../../core/reservations.js';
import { IDTAG_TYPE_16 } from '../../../core/transaction-mapping-16.js';
import type { CommandSpec } from '../command-spec.js';
import { reservationChanged, reservationRequested } from '../shared/reservations.js';

/**
 * ReserveNow (1.6 Reservation profile): recorded before it is sent, whoever sent it; the station's
 * answer accepts or rejects it (Occupied, Faulted, Unavailable, Rejected are kept as it gave them).
 * 1.6 connectorId 0 = any connector (the model's absent evseId); parentIdTag = the group token.
 */
export const command: CommandSpec<ReserveNow16, { status: string }> = {
  action: 'ReserveNow',
  async prepare(ctx, req) {
    await reservationRequested(ctx, fromReserveNow(req as unknown as Record<string, unknown>, IDTAG_TYPE_16));
    return req;
  },
  async onResult(ctx, req, res) {
    await reservationChanged(ctx, req.reservationId, { kind: 'answered', status: res.status });
  },
};

export function toOcpp(input: ReservationInput & { reservationId: number }) /* filled in by actors/commands/reserve-now.ts */: ReserveNow16 {
  return toReserveNow16(input);
}
