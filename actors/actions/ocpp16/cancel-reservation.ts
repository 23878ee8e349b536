import type { CommandSpec } from '../command-spec.js';
import { reservationChanged } from '../shared/reservations.js';

export interface CancelReservationRequest {
  reservationId: number;
}

/** An accepted CancelReservation closes the reservation (cancelled); Rejected leaves it as it was. */
export const command: CommandSpec<CancelReservationRequest, { status: string }> = {
  action: 'CancelReservation',
  async onResult(ctx, req, res) {
    if (res.status !== 'Accepted') return;
    await reservationChanged(ctx, req.reservationId, { kind: 'cancelled' });
  },
};

export function toOcpp(input: { reservationId: number }): CancelReservationRequest {
  return { reservationId: input.reservationId };
}
