import type { OcppVersion } from '../../core/protocols.js';
import type { CommandSpec, CommandTable, NotSupported } from './command-spec.js';
import * as v16 from './ocpp16/csms-initiated.js';
import * as v2 from './ocpp2/csms-initiated.js';
import * as v21 from './ocpp21/csms-initiated.js';

/** CSMS-initiated actions per protocol; each action's file is named after it under ocpp16/, ocpp2/, ocpp21/. */
export const CSMS_INITIATED: Record<OcppVersion, CommandTable> = {
  'ocpp1.6': v16.CSMS_INITIATED,
  'ocpp2.0.1': v2.CSMS_INITIATED,
  'ocpp2.1': v21.CSMS_INITIATED,
};

/** CSMS-initiated actions we refuse to send, with the reason, per protocol. */
export const NOT_SUPPORTED_OUTBOUND: Record<OcppVersion, NotSupported> = {
  'ocpp1.6': v16.NOT_SUPPORTED_OUTBOUND,
  'ocpp2.0.1': v2.NOT_SUPPORTED_OUTBOUND,
  'ocpp2.1': v21.NOT_SUPPORTED_OUTBOUND,
};

/** The spec for sending `action` to a station speaking `protocol`; undefined when we do not send it. */
export function commandSpecFor(protocol: OcppVersion, action: string): CommandSpec<any, any> | undefined {
  return Object.hasOwn(CSMS_INITIATED[protocol], action) ? CSMS_INITIATED[protocol][action] : undefined;
}
