export { command, toOcpp } from '../ocpp2/delete-certificate.js';
