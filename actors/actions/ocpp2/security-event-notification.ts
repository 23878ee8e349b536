export { securityEventNotification } from '../ocpp16/security-event-notification.js';
