import { busEvent, type BusEvent } from '../../../core/envelope.js';
import { CsmsError } from '../../../core/errors.js';
import type { ReservationChange, ReservationStore } from '../../../core/ports/store/reservation-store.js';
import type { StationStore } from '../../../core/ports/store/store.js';
import { reservationEventType, reservationHold, reservationMatches, type PresentedToken, type Reservation, type ReservationEvent, type ReservationHold, type ReservationInput } from '../../../core/reservations.js';
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

/** The store reads `reservationHoldAt` makes (the handler thread's store and the API's both have them). */
export interface HoldStore {
  reservations: Pick<ReservationStore, 'list'>;
  stations: Pick<StationStore, 'listConnectorStatuses'>;
}

/** Open reservations of a station read at once: more than a station has EVSEs in practice. */
const OPEN_RESERVATIONS_READ = 100;

/**
 * What the station's open reservations say about `presented` starting on `evseId`
 * (core/reservations.ts `reservationHold`). One indexed read of the station's accepted
 * reservations; its EVSEs (connector statuses) are read only when another token holds one.
 */
export async function reservationHoldAt(
  store: HoldStore,
  where: { tenantId: string; stationId: string },
  presented: PresentedToken,
  evseId: number | undefined,
  now: Date,
  usedId?: number,
): Promise<ReservationHold> {
  const open = (await store.reservations.list(where.tenantId, { stationId: where.stationId, status: ['accepted'], limit: OPEN_RESERVATIONS_READ })).items;
  if (open.length === 0) return {};
  const first = reservationHold(open, presented, evseId, [], now, usedId);
  // Nobody else holds anything, or a reservation on the named EVSE already decides it.
  if (first.owned || first.blockedBy || open.every((r) => r.reservationId === usedId || reservationMatches(r, presented))) return first;
  const known = (await store.stations.listConnectorStatuses(where.tenantId, where.stationId)).map((s) => s.evseId);
  return reservationHold(open, presented, evseId, known, now, usedId);
}

/**
 * A remote start's `prepare` (1.6 RemoteStartTransaction, 2.x RequestStartTransaction), whoever
 * sends it: a token other than the reservation's (or outside its group) on a reserved EVSE is
 * refused with 409 EVSE_RESERVED before anything is sent (the station would refuse to charge
 * anyway, H03 / 1.6 §3.13). Without an EVSE named, only when the reservations leave none free.
 */
export async function refuseReservedStart(ctx: CommandContext, token: { idToken: string; type?: string | undefined }, evseId: number | undefined): Promise<void> {
  const record = await ctx.store.tokens.matchIdToken(ctx.tenantId, token.idToken, ctx.protocol === 'ocpp1.6' ? undefined : token.type);
  const hold = await reservationHoldAt(ctx.store, ctx, { idToken: token.idToken, groupId: record?.groupId ?? null }, evseId, ctx.clock());
  if (!hold.blockedBy) return;
  const r = hold.blockedBy;
  const where = r.evseId ? `${ctx.protocol === 'ocpp1.6' ? 'connector' : 'EVSE'} ${r.evseId}` : 'every free EVSE';
  throw new CsmsError('EVSE_RESERVED', `Station ${ctx.stationId}: ${where} is reserved for another token until ${r.expiresAt} (reservation ${r.reservationId})`, {
    reservationId: r.reservationId,
    ...(r.evseId ? { evseId: r.evseId } : {}),
    expiresAt: r.expiresAt,
  });
}
