import { CsmsError } from '../../core/errors.js';
import { validateReservation, type ReservationInput } from '../../core/reservations.js';
import * as v16 from '../actions/ocpp16/reserve-now.js';
import * as v2 from '../actions/ocpp2/reserve-now.js';
import { IDTAG_TYPE_16 } from '../../core/transaction-mapping-16.js';
import { stationCommand, type CommandScope } from './command.js';

type TokenInput = { idToken: string; type?: string };

/** What a caller gives: token types default per version (1.6 idTags are recorded as ISO14443, 2.x Central). */
export type ReserveNowInput = Omit<ReservationInput, 'idToken' | 'groupIdToken'> & { idToken: TokenInput; groupIdToken?: TokenInput; reservationId?: number };

/** What the version mappings get: every field filled in. */
export type ResolvedReserveNow = ReservationInput & { reservationId: number };

/**
 * Checks the reservation for the station's version (expiry in the future, what 1.6 cannot carry)
 * and against the EVSEs the CSMS knows the station has (its connector statuses): an EVSE it has
 * never reported while it has reported others is refused with 400; a station that has reported
 * nothing decides itself. Then allocates the tenant's next reservation id.
 */
async function resolved(scope: CommandScope, given: ReserveNowInput, now: Date): Promise<ReserveNowInput> {
  const version = scope.protocol === 'ocpp1.6' ? '1.6' : '2.x';
  const tokenType = version === '1.6' ? IDTAG_TYPE_16 : 'Central';
  const { idToken, groupIdToken, reservationId: _ignored, ...rest } = given;
  const input: ReservationInput = {
    ...rest,
    idToken: { idToken: idToken.idToken, type: idToken.type ?? tokenType },
    ...(groupIdToken ? { groupIdToken: { idToken: groupIdToken.idToken, type: groupIdToken.type ?? tokenType } } : {}),
  };
  const problems = validateReservation(input, version, now);
  if (input.evseId !== undefined && input.evseId > 0) {
    const known = new Set((await scope.store.stations.listConnectorStatuses(scope.tenantId, scope.stationId)).map((s) => s.evseId).filter((id) => id > 0));
    if (known.size > 0 && !known.has(input.evseId)) {
      problems.push({ path: 'evseId', message: `station ${scope.stationId} has reported no ${version === '1.6' ? 'connector' : 'EVSE'} ${input.evseId} (known: ${[...known].sort((a, b) => a - b).join(', ')})` });
    }
  }
  if (problems.length > 0) {
    throw new CsmsError('VALIDATION_FAILED', `The reservation cannot be sent to this ${scope.protocol} station: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems });
  }
  const filled: ResolvedReserveNow = { ...input, expiresAt: new Date(input.expiresAt).toISOString(), reservationId: await scope.store.reservations.allocateId(scope.tenantId) };
  return filled;
}

/** ReserveNow with an id the CSMS allocates; its prepare records it, its onResult keeps the station's answer. */
export const reserveNow = stationCommand<ReserveNowInput>('ReserveNow', { ocpp16: v16, ocpp2: v2 }, { resolve: (scope, input) => resolved(scope, input, new Date()) });
