import type { NewReservation, Reservation, ReservationEvent, ReservationStatus } from '../../reservations.js';
import type { Page } from './store.js';

export interface ReservationQuery {
  limit: number;
  cursor?: string;
  stationId?: string;
  /** Any of these statuses. */
  status?: ReservationStatus[];
  /** The reserved token (its idToken string). */
  idToken?: string;
}

/** A reservation after an event, and whether the event changed it. */
export interface ReservationChange {
  reservation: Reservation;
  changed: boolean;
}

/**
 * Reservations the CSMS issued (core/reservations.ts). Reservation ids are unique per tenant:
 * `allocateId` hands out the next one (a counter that never goes back), `create` refuses an id
 * already used in the tenant. `apply` reads, runs the pure transition and writes in one write,
 * so two nodes (or a sweep and a station's message) change a reservation once.
 */
export interface ReservationStore {
  /** The tenant's next unused reservation id (1, 2, …; at most 2^31-1, then it throws). */
  allocateId(tenantId: string): Promise<number>;
  /** Stores a new reservation as `created`; false when its id is taken in the tenant. Ids given here are never allocated later. */
  create(reservation: NewReservation): Promise<boolean>;
  get(tenantId: string, reservationId: number): Promise<Reservation | undefined>;
  /** Newest (highest id) first. */
  list(tenantId: string, query: ReservationQuery): Promise<Page<Reservation>>;
  /**
   * Applies one event to the tenant's reservation with that id, when it belongs to `stationId`.
   * Undefined when there is no such reservation (or it is another station's).
   */
  apply(tenantId: string, stationId: string, reservationId: number, event: ReservationEvent, at: string): Promise<ReservationChange | undefined>;
  /** Every tenant's open reservations whose expiry is at or before `now` become `expired` (at most `limit`); returns those. */
  expireDue(now: string, limit: number): Promise<Reservation[]>;
}
