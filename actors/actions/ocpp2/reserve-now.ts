import { fromReserveNow, toReserveNow2, type ReserveNow2, type ReservationInput } from '../../../core/reservations.js';
import type { CommandSpec } from '../command-spec.js';
import { reservationChanged, reservationRequested } from '../shared/reservations.js';

/**
 * ReserveNow (2.x block H): recorded before it is sent, whoever sent it; the station's answer
 * accepts or rejects it. An EVSE, a connector type, or neither (any EVSE) may be reserved.
 */
export const command: CommandSpec<ReserveNow2, { status: string }> = {
  action: 'ReserveNow',
  async prepare(ctx, req) {
    await reservationRequested(ctx, fromReserveNow(req as unknown as Record<string, unknown>, 'Central'));
    return req;
  },
  async onResult(ctx, req, res) {
    await reservationChanged(ctx, req.id, { kind: 'answered', status: res.status });
  },
};

export function toOcpp(input: ReservationInput & { reservationId: number }) /* filled in by actors/commands/reserve-now.ts */: ReserveNow2 {
  return toReserveNow2(input);
}
