import { correlated } from '../request-correlation.js';

/** 2.x GetLog → LogStatusNotification; the request has the 1.6 security whitepaper's shape. */
export const command = correlated('GetLog');
export { toOcpp } from '../ocpp16/get-log.js';
