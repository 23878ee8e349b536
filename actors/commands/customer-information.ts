import * as v2 from '../actions/ocpp2/customer-information.js';
import type { CustomerInformationInput } from '../actions/ocpp2/customer-information.js';
import { stationCommand } from './command.js';

export type { CustomerInformationInput };

/** CustomerInformation (2.x block N): report and/or clear one customer's data; 1.6 stations get WRONG_PROTOCOL. */
export const customerInformation = stationCommand<CustomerInformationInput>(
  'CustomerInformation',
  { ocpp2: v2 },
  { unavailable: 'CustomerInformation exists only in OCPP 2.0.1 and 2.1' },
);
