/**
 * Reservations, version-neutral (issue #13, block H; 1.6 Reservation profile).
 *
 * One record per reservation the CSMS issued, with its life cycle as a small state machine:
 *
 *   created ──station answers Accepted──▶ accepted ──┬─ CancelReservation accepted ─▶ cancelled
 *      │                                             ├─ expiry passed (sweep) / station Expired ─▶ expired
 *      └─ Rejected/Occupied/Faulted/Unavailable ─▶ rejected ├─ station Removed (2.x) ─▶ removed
 *                                                    └─ a transaction with its id ─▶ used
 *
 * Closed states never change again; an event that does not apply leaves the record as it was
 * (`transition` answers undefined), so a late or repeated message is harmless. The mapping to
 * and from 1.6 ReserveNow (connectorId, idTag, parentIdTag) and 2.x (evseId, connectorType,
 * idToken, groupIdToken) lives here too. Pure: no clock, no I/O.
 */
import type { IdTokenRef } from './transaction-types.js';

export type ReservationStatus = 'created' | 'accepted' | 'rejected' | 'cancelled' | 'expired' | 'removed' | 'used';

export const RESERVATION_STATUSES: readonly ReservationStatus[] = ['created', 'accepted', 'rejected', 'cancelled', 'expired', 'removed', 'used'];

/** Open: the station may still hold it (created: it has not answered yet). */
export const OPEN_RESERVATION_STATUSES: readonly ReservationStatus[] = ['created', 'accepted'];

/** Answers a station may give to ReserveNow (1.6 and 2.x share them). */
export type ReserveNowStatus = 'Accepted' | 'Faulted' | 'Occupied' | 'Rejected' | 'Unavailable';

/** 2.x connector types (ConnectorEnumType of 2.0.1; 2.1 allows any string up to 20 characters). */
export const CONNECTOR_TYPES = [
  'cCCS1', 'cCCS2', 'cG105', 'cTesla', 'cType1', 'cType2', 's309-1P-16A', 's309-1P-32A', 's309-3P-16A', 's309-3P-32A',
  'sBS1361', 'sCEE-7-7', 'sType2', 'sType3', 'Other1PhMax16A', 'Other1PhOver16A', 'Other3Ph', 'Pan', 'wInductive', 'wResonant',
  'Undetermined', 'Unknown',
] as const;

/** What a caller asks for; the CSMS adds the id, the station and the times. */
export interface ReservationInput {
  /** 2.x EVSE or 1.6 connector; absent: any (1.6 connectorId 0). */
  evseId?: number;
  /** 2.x only: any EVSE with a connector of this type. */
  connectorType?: string;
  idToken: IdTokenRef;
  /** 2.x groupIdToken; 1.6 parentIdTag (its idToken). */
  groupIdToken?: IdTokenRef;
  /** ISO time. */
  expiresAt: string;
}

export interface Reservation extends ReservationInput {
  tenantId: string;
  /** Unique per tenant, allocated by the CSMS; an int32 as both protocols require. */
  reservationId: number;
  stationId: string;
  status: ReservationStatus;
  /** The station's answer to ReserveNow, as it gave it (Accepted, Occupied, …). */
  stationStatus?: string;
  /** What closed it, in words a person reads (e.g. 'CancelReservation accepted', 'station: Expired'). */
  reason?: string;
  /** The transaction that used it. */
  transactionId?: string;
  createdAt: string;
  updatedAt: string;
}

/** A reservation as first stored: `created`, its id already allocated. */
export type NewReservation = Omit<Reservation, 'status' | 'updatedAt' | 'stationStatus' | 'reason' | 'transactionId'>;

/** Everything that changes a reservation. */
export type ReservationEvent =
  | { kind: 'answered'; status: string }
  | { kind: 'cancelled' }
  | { kind: 'expired'; now: string }
  | { kind: 'station-update'; status: 'Expired' | 'Removed' }
  | { kind: 'used'; transactionId: string }
  /** A ReserveNow with the id of an open reservation of the same station replaces it (1.6 and 2.x say so). */
  | { kind: 'replaced'; reservation: ReservationInput };

export const MAX_RESERVATION_ID = 2 ** 31 - 1;

export function isOpen(status: ReservationStatus): boolean {
  return status === 'created' || status === 'accepted';
}

/**
 * The record after `event` (with updatedAt = at), or undefined when the event does not apply:
 * a closed reservation, an expiry that has not passed, an answer to one already answered.
 */
export function transition(r: Reservation, event: ReservationEvent, at: string): Reservation | undefined {
  switch (event.kind) {
    case 'answered':
      if (r.status !== 'created') return undefined;
      return event.status === 'Accepted'
        ? { ...r, status: 'accepted', stationStatus: event.status, updatedAt: at }
        : { ...r, status: 'rejected', stationStatus: event.status, reason: `station answered ${event.status}`, updatedAt: at };
    case 'cancelled':
      return isOpen(r.status) ? { ...r, status: 'cancelled', reason: 'CancelReservation accepted', updatedAt: at } : undefined;
    case 'expired':
      return isOpen(r.status) && Date.parse(r.expiresAt) <= Date.parse(event.now)
        ? { ...r, status: 'expired', reason: 'expiry passed', updatedAt: at }
        : undefined;
    case 'station-update':
      // The station's word counts even before its ReserveNow answer reached us.
      if (!isOpen(r.status)) return undefined;
      return { ...r, status: event.status === 'Expired' ? 'expired' : 'removed', reason: `station: ${event.status}`, updatedAt: at };
    case 'used':
      return isOpen(r.status) ? { ...r, status: 'used', transactionId: event.transactionId, reason: 'transaction started with it', updatedAt: at } : undefined;
    case 'replaced': {
      if (!isOpen(r.status)) return undefined;
      // The new request's fields only: what it leaves out (an EVSE, a group token) goes; sent again, so `created`.
      const { evseId: _e, connectorType: _c, groupIdToken: _g, stationStatus: _s, reason: _r, ...kept } = r;
      const { evseId, connectorType, idToken, groupIdToken, expiresAt } = event.reservation;
      return {
        ...kept,
        ...(evseId !== undefined ? { evseId } : {}),
        ...(connectorType !== undefined ? { connectorType } : {}),
        ...(groupIdToken !== undefined ? { groupIdToken } : {}),
        idToken,
        expiresAt,
        status: 'created',
        updatedAt: at,
      };
    }
  }
}

export interface ReservationProblem {
  path: string;
  message: string;
}

/** What a reservation input may not be, for the station's version; every problem with its path. */
export function validateReservation(input: ReservationInput, version: '1.6' | '2.x', now: Date): ReservationProblem[] {
  const problems: ReservationProblem[] = [];
  const expires = Date.parse(input.expiresAt);
  if (Number.isNaN(expires)) problems.push({ path: 'expiresAt', message: 'not a date-time' });
  else if (expires <= now.getTime()) problems.push({ path: 'expiresAt', message: `${input.expiresAt} is not in the future` });
  if (input.evseId !== undefined && (!Number.isInteger(input.evseId) || input.evseId < 0)) problems.push({ path: 'evseId', message: 'must be an integer ≥ 0' });
  if (version === '1.6') {
    if (input.connectorType !== undefined) problems.push({ path: 'connectorType', message: 'OCPP 1.6 ReserveNow has no connector type; name a connector (evseId) instead' });
    if (input.idToken.idToken.length > 20) problems.push({ path: 'idToken.idToken', message: 'OCPP 1.6 idTags are at most 20 characters' });
    if (input.groupIdToken && input.groupIdToken.idToken.length > 20) problems.push({ path: 'groupIdToken.idToken', message: 'OCPP 1.6 parentIdTags are at most 20 characters' });
  } else {
    if (input.idToken.idToken.length > 36) problems.push({ path: 'idToken.idToken', message: 'at most 36 characters' });
    if (input.groupIdToken && input.groupIdToken.idToken.length > 36) problems.push({ path: 'groupIdToken.idToken', message: 'at most 36 characters' });
    if (input.evseId === 0) problems.push({ path: 'evseId', message: 'OCPP 2.x EVSE ids start at 1; leave evseId out to reserve any EVSE' });
  }
  return problems;
}

export interface ReserveNow16 {
  connectorId: number;
  expiryDate: string;
  idTag: string;
  parentIdTag?: string;
  reservationId: number;
}

export interface ReserveNow2 {
  id: number;
  expiryDateTime: string;
  idToken: IdTokenRef;
  evseId?: number;
  connectorType?: string;
  groupIdToken?: IdTokenRef;
}

type Mappable = Pick<Reservation, 'reservationId' | 'evseId' | 'connectorType' | 'idToken' | 'groupIdToken' | 'expiresAt'>;

export function toReserveNow16(r: Mappable): ReserveNow16 {
  return {
    connectorId: r.evseId ?? 0,
    expiryDate: r.expiresAt,
    idTag: r.idToken.idToken,
    ...(r.groupIdToken ? { parentIdTag: r.groupIdToken.idToken } : {}),
    reservationId: r.reservationId,
  };
}

export function toReserveNow2(r: Mappable): ReserveNow2 {
  return {
    id: r.reservationId,
    expiryDateTime: r.expiresAt,
    idToken: { idToken: r.idToken.idToken, type: r.idToken.type },
    ...(r.evseId !== undefined ? { evseId: r.evseId } : {}),
    ...(r.connectorType !== undefined ? { connectorType: r.connectorType } : {}),
    ...(r.groupIdToken ? { groupIdToken: { idToken: r.groupIdToken.idToken, type: r.groupIdToken.type } } : {}),
  };
}

/** The version-neutral reading of a ReserveNow sent raw (generic endpoint, NATS), either version. */
export function fromReserveNow(req: Record<string, unknown>, idTagType: string): (ReservationInput & { reservationId: number }) | undefined {
  if (typeof req.reservationId === 'number' && typeof req.idTag === 'string' && typeof req.expiryDate === 'string') {
    const connectorId = typeof req.connectorId === 'number' ? req.connectorId : 0;
    return {
      reservationId: req.reservationId,
      ...(connectorId > 0 ? { evseId: connectorId } : {}),
      idToken: { idToken: req.idTag, type: idTagType },
      ...(typeof req.parentIdTag === 'string' ? { groupIdToken: { idToken: req.parentIdTag, type: idTagType } } : {}),
      expiresAt: req.expiryDate,
    };
  }
  const token = req.idToken as IdTokenRef | undefined;
  if (typeof req.id === 'number' && typeof req.expiryDateTime === 'string' && token && typeof token.idToken === 'string') {
    const group = req.groupIdToken as IdTokenRef | undefined;
    return {
      reservationId: req.id,
      ...(typeof req.evseId === 'number' ? { evseId: req.evseId } : {}),
      ...(typeof req.connectorType === 'string' ? { connectorType: req.connectorType } : {}),
      idToken: { idToken: token.idToken, type: token.type },
      ...(group && typeof group.idToken === 'string' ? { groupIdToken: { idToken: group.idToken, type: group.type } } : {}),
      expiresAt: req.expiryDateTime,
    };
  }
  return undefined;
}

/** The bus event for a reservation's current status. */
export function reservationEventType(status: ReservationStatus): `reservation.${ReservationStatus}` {
  return `reservation.${status}`;
}

/** Who presents a token: the token and the group its record names (2.x groupIdToken, 1.6 parentIdTag). */
export interface PresentedToken {
  idToken: string;
  groupId?: string | null;
}

/** What the station's open reservations say about a token presented to start charging. */
export interface ReservationHold {
  /** A reservation of another token (and outside its group) keeps this token from starting here. */
  blockedBy?: Reservation;
  /** The presenter's own reservation the start would use (the one on its EVSE first, else one for any EVSE). */
  owned?: Reservation;
}

const same = (a: string | undefined | null, b: string | undefined | null) => a != null && b != null && a.toLowerCase() === b.toLowerCase();

/**
 * Whether `r` is the presenter's: its token, or its group (the reservation's group token is the
 * presenter itself or the group the presenter's record names). Values compare case-insensitively
 * (CiString), types are not compared (1.6 idTags have none).
 */
export function reservationMatches(r: Pick<Reservation, 'idToken' | 'groupIdToken'>, presented: PresentedToken): boolean {
  if (same(r.idToken.idToken, presented.idToken)) return true;
  const group = r.groupIdToken?.idToken;
  return same(group, presented.idToken) || same(group, presented.groupId);
}

/**
 * H03 / 1.6 §3.13 seen from the CSMS: does a station's reservation keep `presented` from starting
 * on `evseId` (1.6: connector; undefined: the message names none, as Authorize)? Pure.
 *
 * - Only reservations the station accepted and whose expiry has not passed hold an EVSE; `usedId`
 *   (the reservationId the message itself carries) counts as the presenter's.
 * - A reservation for a named EVSE holds that EVSE for its token and group.
 * - A reservation for any EVSE (1.6 connector 0, 2.x none or a connector type) holds one EVSE of
 *   the station: another token is refused only when such reservations leave none of the
 *   station's known EVSEs (`knownEvses`, from its status reports) free. With no EVSE named, the
 *   token is refused when every known EVSE is held. A station that reported no EVSEs, or a
 *   message that names none, is never refused for a reservation the CSMS cannot place.
 */
export function reservationHold(open: readonly Reservation[], presented: PresentedToken, evseId: number | undefined, knownEvses: readonly number[], now: Date, usedId?: number): ReservationHold {
  const live = open.filter((r) => r.status === 'accepted' && Date.parse(r.expiresAt) > now.getTime());
  const mine = (r: Reservation) => r.reservationId === usedId || reservationMatches(r, presented);
  const owned =
    live.find((r) => mine(r) && evseId !== undefined && r.evseId === evseId) ??
    live.find((r) => mine(r) && (r.reservationId === usedId || r.evseId === undefined || r.evseId === 0));
  const others = live.filter((r) => !mine(r));
  if (others.length === 0) return owned ? { owned } : {};
  const named = (r: Reservation) => r.evseId !== undefined && r.evseId > 0;
  if (evseId !== undefined) {
    const onThis = others.find((r) => named(r) && r.evseId === evseId);
    if (onThis && !(owned && owned.evseId === evseId)) return { blockedBy: onThis };
  }
  if (owned) return { owned };
  const anyEvse = others.filter((r) => !named(r));
  const known = [...new Set(knownEvses.filter((id) => id > 0))];
  if (known.length === 0) return {};
  const heldByName = new Set(others.filter(named).map((r) => r.evseId!));
  const free = known.filter((id) => !heldByName.has(id));
  if (evseId !== undefined && heldByName.has(evseId)) return { blockedBy: others.find((r) => r.evseId === evseId)! };
  if (anyEvse.length > 0 && anyEvse.length >= free.length) return { blockedBy: anyEvse[0]! };
  if (evseId === undefined && free.length === 0) return { blockedBy: others[0]! };
  return {};
}
