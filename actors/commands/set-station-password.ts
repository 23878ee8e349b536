import * as v16 from '../actions/ocpp16/change-configuration.js';
import * as v2 from '../actions/ocpp2/set-variables.js';
import { authorizationKeyHex } from '../../core/station-password.js';
import { stationCommand } from './command.js';

/** The new Basic-auth password a station is to use from its next connection (A01, 1.6 whitepaper). */
export interface SetStationPasswordInput {
  password: string;
}

/** Whether the station took it: Accepted (or RebootRequired) means it reconnects with it. */
export interface SetStationPasswordResult {
  accepted: boolean;
  status: string;
}

const TAKEN = new Set(['Accepted', 'RebootRequired']);

/**
 * 2.x: SetVariables `SecurityCtrlr.BasicAuthPassword` (the password itself). 1.6 security
 * whitepaper: ChangeConfiguration `AuthorizationKey` with the password's octets in hexadecimal;
 * the station decodes it and sends the octets as its password.
 */
export const setStationPassword = stationCommand<SetStationPasswordInput, SetStationPasswordResult>('SetStationPassword', {
  ocpp16: {
    command: v16.command,
    toOcpp: (input) => ({ key: 'AuthorizationKey', value: authorizationKeyHex(input.password) }),
    fromOcpp: (result: { status: string }) => ({ accepted: TAKEN.has(result.status), status: result.status }),
  },
  ocpp2: {
    command: v2.command,
    toOcpp: (input) => ({
      setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: input.password }],
    }),
    fromOcpp: (result: { setVariableResult: Array<{ attributeStatus: string }> }) => {
      const status = result.setVariableResult[0]?.attributeStatus ?? 'Rejected';
      return { accepted: TAKEN.has(status), status };
    },
  },
});
