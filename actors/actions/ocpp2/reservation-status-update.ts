import { reservationReported, type ReservationHandlerContext } from '../shared/reservations.js';

interface ReservationStatusUpdateRequest {
  reservationId: number;
  reservationUpdateStatus: 'Expired' | 'Removed';
}

/** The station ended a reservation itself (H04: Expired, or Removed): the stored one is closed. */
export async function reservationStatusUpdate(ctx: ReservationHandlerContext, req: ReservationStatusUpdateRequest): Promise<Record<string, never>> {
  await reservationReported(ctx, req.reservationId, { kind: 'station-update', status: req.reservationUpdateStatus });
  return {};
}
