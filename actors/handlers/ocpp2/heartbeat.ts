export { heartbeat } from '../ocpp16/heartbeat.js';
