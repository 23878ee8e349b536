import type { OcppVersion } from '../../core/protocols.js';
import type { GatewayAnswers, RoutingTable } from '../handler-context.js';
import * as v16 from './ocpp16/station-initiated.js';
import * as v2 from './ocpp2/station-initiated.js';
import * as v21 from './ocpp21/station-initiated.js';

/** Station-initiated handlers per protocol; each action's file is named after it under ocpp16/, ocpp2/, ocpp21/. */
export const STATION_INITIATED: Record<OcppVersion, RoutingTable> = {
  'ocpp1.6': v16.STATION_INITIATED,
  'ocpp2.0.1': v2.STATION_INITIATED,
  'ocpp2.1': v21.STATION_INITIATED,
};

/** What the gateway answers itself, per protocol (the handler still runs, unawaited). */
export const GATEWAY_ANSWERS: Record<OcppVersion, GatewayAnswers> = {
  'ocpp1.6': v16.GATEWAY_ANSWERS,
  'ocpp2.0.1': v2.GATEWAY_ANSWERS,
  'ocpp2.1': v21.GATEWAY_ANSWERS,
};

/** Station-initiated actions answered NotSupported, with the reason, per protocol. */
export const NOT_SUPPORTED_INBOUND: Record<OcppVersion, Readonly<Record<string, string>>> = {
  'ocpp1.6': v16.NOT_SUPPORTED_INBOUND,
  'ocpp2.0.1': v2.NOT_SUPPORTED_INBOUND,
  'ocpp2.1': v21.NOT_SUPPORTED_INBOUND,
};

/** The actions a gateway forwards to the handler thread; the rest it answers itself. */
export function handledActions(version: OcppVersion): ReadonlySet<string> {
  return new Set(Object.keys(STATION_INITIATED[version]));
}
