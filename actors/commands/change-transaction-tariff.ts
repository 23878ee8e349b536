import type { ChangeTransactionTariffInput } from '../actions/command-inputs.js';
import * as v21 from '../actions/ocpp21/change-transaction-tariff.js';
import { CsmsError } from '../../core/errors.js';
import { stationCommand } from './command.js';

/** Changes the tariff of a running transaction to one of the tenant's tariffs (2.1). */
export const changeTransactionTariff = stationCommand<ChangeTransactionTariffInput, ReturnType<typeof v21.fromOcpp>>(
  'ChangeTransactionTariff',
  { ocpp21: v21 },
  {
    unavailable: 'ChangeTransactionTariff exists only in OCPP 2.1',
    // The tariff is the tenant's own, read from the store and mapped (core/tariff-ocpp21.ts).
    async resolve(scope, input) {
      const tariff = await scope.store.tariffs.getTariff(scope.tenantId, input.tariffId);
      if (!tariff) throw new CsmsError('TARIFF_NOT_FOUND', `No tariff ${input.tariffId}`);
      return { ...input, tariff };
    },
  },
);
