import { statusHandler } from '../shared/station-reports.js';

/** LogStatusNotification (1.6 security whitepaper; 2.x has the same shape): kept per station and applied to its GetLog request. */
export const logStatusNotification = statusHandler('log-status', 'LogStatusNotification');
