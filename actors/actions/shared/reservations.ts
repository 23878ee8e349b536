import { busEvent, type BusEvent } from '../../../core/envelope.js';
import { CsmsError } from '../../../core/errors.js';
import type { ReservationChange } from '../../../core/ports/store/reservation-store.js';
import { reservationEventType, type Reservation, type ReservationEvent, type ReservationInput } from '../../../core/reservations.js';
import type { HandlerContext } from '../../handler-context.js';
import type { CommandContext } from '../command-spec.js';

/** The bus event of a reservation that changed: `reservation.<status>` with the whole record. */
export function reservationEvent(r: Reservation, at: Date): BusEvent {
  return busEvent(reservationEventType(r.status), r.tenantId, r.stationId, { reservation: r }, at);
}

/**
 * ReserveNow's `prepare`, both version families: the reservation is recorded (`created`) before
 * the station hears of it, whoever sent it (typed route with an id the CSMS allocated, generic
 * route or NATS with the caller's id). The id of an open reservation of the same station replaces
 * that reservation; any other id already used in the tenant is refused (400) and nothing is sent. The id is in the reply's facts (`reservationId`).
 */
export async function reservationRequested(ctx: CommandContext, parsed: (ReservationInput & { reservationId: number }) | undefined): Promise<void> {
  // Not a ReserveNow we can read: the gateway's schema check refuses it, nothing is recorded.
  if (!parsed || !Number.isSafeInteger(parsed.reservationId)) return;
  const at = ctx.clock();
  const created = await ctx.store.reservations.create({ ...parsed, tenantId: ctx.tenantId, stationId: ctx.stationId, createdAt: at.toISOString() });
  if (!created) {
    // The id of an open reservation of this station: the new ReserveNow replaces it, as the
    // station will (1.6 §5.13, 2.x H01.FR.02); sent again, it is `created` until answered.
    const { reservationId, ...input } = parsed;
    const replaced = await ctx.store.reservations.apply(ctx.tenantId, ctx.stationId, reservationId, { kind: 'replaced', reservation: input }, at.toISOString());
    if (replaced?.changed) {
      ctx.note('reservationId', reservationId);
      ctx.note('replaced', true);
      ctx.publish(busEvent('reservation.created', ctx.tenantId, ctx.stationId, { reservation: replaced.reservation, replaced: true }, at));
      return;
    }
    const holder = await ctx.store.reservations.get(ctx.tenantId, parsed.reservationId);
    throw new CsmsError('VALIDATION_FAILED', `Reservation id ${parsed.reservationId} is already used in this tenant${holder ? ` (station ${holder.stationId}, ${holder.status})` : ''}`, {
      problems: [{ path: 'reservationId', message: 'already used; leave it to the CSMS (POST /stations/{id}/reservations allocates one)' }],
    });
  }
  ctx.note('reservationId', parsed.reservationId);
  ctx.publish(busEvent('reservation.created', ctx.tenantId, ctx.stationId, { reservation: await ctx.store.reservations.get(ctx.tenantId, parsed.reservationId) }, at));
}

/** A CSMS-initiated action's effect on a reservation (ReserveNow answered, CancelReservation accepted). */
export async function reservationChanged(ctx: CommandContext, reservationId: number, event: ReservationEvent): Promise<ReservationChange | undefined> {
  const at = ctx.clock();
  const change = await ctx.store.reservations.apply(ctx.tenantId, ctx.stationId, reservationId, event, at.toISOString());
  if (change?.changed) ctx.publish(reservationEvent(change.reservation, at));
  return change;
}

export type ReservationHandlerContext = Pick<HandlerContext, 'session' | 'store' | 'events' | 'clock' | 'log'>;

/**
 * A station's message about a reservation (2.x ReservationStatusUpdate; 1.6 StartTransaction and
 * 2.x TransactionEvent with a reservationId): applied and published when it changed something;
 * an id the station holds no reservation of in this tenant is logged and accepted.
 */
export async function reservationReported(ctx: ReservationHandlerContext, reservationId: number, event: ReservationEvent): Promise<void> {
  const { tenantId, stationId } = ctx.session;
  const at = ctx.clock();
  const change = await ctx.store.reservations.apply(tenantId, stationId, reservationId, event, at.toISOString());
  if (!change) {
    ctx.log?.info({ tenantId, stationId, reservationId, event: event.kind }, 'station names a reservation this CSMS has not made for it: accepted, nothing changed');
    return;
  }
  if (!change.changed) return;
  const r = change.reservation;
  ctx.events.emit(reservationEventType(r.status), ctx.session, { reservation: r });
  ctx.log?.info({ tenantId, stationId, reservationId, status: r.status, reason: r.reason }, 'reservation closed by the station');
}
