import * as v16 from '../actions/ocpp16/cancel-reservation.js';
import * as v2 from '../actions/ocpp2/cancel-reservation.js';
import { stationCommand } from './command.js';

/** CancelReservation; its onResult closes the reservation when the station accepts. */
export const cancelReservation = stationCommand<{ reservationId: number }>('CancelReservation', { ocpp16: v16, ocpp2: v2 });
