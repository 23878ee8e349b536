import type { BusEvent } from '../../core/envelope.js';
import type { ReservationStore } from '../../core/ports/store/reservation-store.js';
import { reservationEvent } from '../actions/shared/reservations.js';
import { startPeriodicSweep } from './periodic-sweep.js';

export interface ReservationSweepDeps {
  reservations: Pick<ReservationStore, 'expireDue'>;
  publish(event: BusEvent): void;
  clock?: () => Date;
  log?: { info(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void };
}

/** Reservations closed per store write; a backlog drains over consecutive writes of one sweep. */
const BATCH = 500;

/**
 * Closes reservations whose expiry has passed (status `expired`, event `reservation.expired`): the
 * station forgets them by itself (1.6 has no message for it; 2.x may send ReservationStatusUpdate
 * Expired, which finds it already closed). Safe on several nodes sharing a store: each reservation
 * is expired by exactly one write (PostgreSQL FOR UPDATE SKIP LOCKED, MongoDB compare-and-set),
 * and only that node publishes it.
 */
export async function sweepReservations(deps: ReservationSweepDeps): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  let total = 0;
  for (;;) {
    const now = clock();
    const expired = await deps.reservations.expireDue(now.toISOString(), BATCH);
    for (const r of expired) {
      deps.publish(reservationEvent(r, now));
      deps.log?.info({ tenantId: r.tenantId, stationId: r.stationId, reservationId: r.reservationId, expiresAt: r.expiresAt }, 'reservation expired');
    }
    total += expired.length;
    if (expired.length < BATCH) return total;
  }
}

/** Runs `sweepReservations` every `everySec` seconds (never two at once); stop() waits for a running one. */
export function startReservationSweep(deps: ReservationSweepDeps, everySec: number): { stop(): Promise<void> } {
  return startPeriodicSweep(() => sweepReservations(deps), everySec * 1000, (error) => deps.log?.error({ err: error }, 'reservation sweep failed; retried next time'));
}
