export { logStatusNotification } from '../ocpp16/log-status-notification.js';
