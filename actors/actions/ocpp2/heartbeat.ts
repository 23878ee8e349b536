export { answerHeartbeat, heartbeat } from '../ocpp16/heartbeat.js';
