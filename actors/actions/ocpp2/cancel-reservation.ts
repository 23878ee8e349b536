/** 2.x CancelReservation: the same request and effect as 1.6's (an accepted one closes the reservation). */
export { command, toOcpp, type CancelReservationRequest } from '../ocpp16/cancel-reservation.js';
