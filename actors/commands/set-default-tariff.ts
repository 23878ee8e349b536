import type { SetDefaultTariffInput } from '../actions/command-inputs.js';
import * as v21 from '../actions/ocpp21/set-default-tariff.js';
import { CsmsError } from '../../core/errors.js';
import { stationCommand } from './command.js';

/** Sets a tariff of the tenant as the station's (or an EVSE's) default tariff (2.1). */
export const setDefaultTariff = stationCommand<SetDefaultTariffInput, ReturnType<typeof v21.fromOcpp>>(
  'SetDefaultTariff',
  { ocpp21: v21 },
  {
    unavailable: 'SetDefaultTariff exists only in OCPP 2.1',
    // The tariff is the tenant's own, read from the store and mapped (core/tariff-ocpp21.ts).
    async resolve(scope, input) {
      const tariff = await scope.store.tariffs.getTariff(scope.tenantId, input.tariffId);
      if (!tariff) throw new CsmsError('TARIFF_NOT_FOUND', `No tariff ${input.tariffId}`);
      return { ...input, tariff };
    },
  },
);
